"""Target precision instead of a threshold, and the calibrated confidence a recommendation carries."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from answerbot.calibration import fit_calibration, save_calibrations
from answerbot.settings import Settings
from tests.api.conftest import ADMIN

URL = "/v1/accounts/acme"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Calibrations are read again on every request, so one written during a test is used at once."""
    return settings.model_copy(update={"calibration_refit_s": 0.0})


def recommend(client: TestClient) -> dict:
    response = client.post(f"{URL}/recommendations", json={"enquiry": "reset my password"})
    assert response.status_code == 200, response.text
    return response.json()


def write_global_calibration(settings: Settings, version: str) -> None:
    """A calibration where the top article is right with probability equal to its score (on [-1, 1])."""
    rng = np.random.default_rng(0)
    scores = rng.uniform(-1.0, 1.0, 4000)
    right = (rng.uniform(0.0, 1.0, 4000) < np.clip(scores, 0.0, 1.0)).astype(float)
    calibration = fit_calibration(scores, right)
    save_calibrations(settings.model_root / version, {"dense": calibration, "hybrid": calibration})


@pytest.mark.parametrize("value", [0.0, 1.0, 1.5, -0.2])
def test_target_outside_zero_one_names_the_field(client: TestClient, value: float) -> None:
    response = client.patch(URL, json={"target_precision": value})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.target_precision"
    assert f"target_precision={value}" in response.json()["error"]["message"]


def test_target_and_threshold_together_name_the_target(client: TestClient) -> None:
    response = client.patch(URL, json={"target_precision": 0.9, "score_threshold": 0.3})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "body.target_precision")
    created = client.post(
        "/v1/accounts", json={"account_id": "both", "target_precision": 0.9, "score_threshold": 0.3}, headers=ADMIN
    )
    assert (created.status_code, created.json()["error"]["field"]) == (422, "body.target_precision")


def test_setting_a_target_clears_the_threshold_and_back(client: TestClient) -> None:
    assert client.patch(URL, json={"score_threshold": 0.3}).json()["score_threshold"] == 0.3
    body = client.patch(URL, json={"target_precision": 0.9}).json()
    assert (body["target_precision"], body["score_threshold"]) == (0.9, None)
    body = client.patch(URL, json={"score_threshold": 0.4}).json()
    assert (body["target_precision"], body["score_threshold"]) == (None, 0.4)


def test_share_feedback_defaults_on_and_can_be_switched_off(client: TestClient) -> None:
    assert client.get(URL).json()["share_feedback"] is True
    assert client.patch(URL, json={"share_feedback": False}).json()["share_feedback"] is False


def test_without_a_calibration_confidence_is_null(seeded: TestClient) -> None:
    body = recommend(seeded)
    assert (body["confidence"], body["calibration"]) == (None, None)


def test_an_account_without_feedback_uses_the_global_calibration(seeded: TestClient, settings: Settings, spy) -> None:
    write_global_calibration(settings, spy.model_version)
    body = recommend(seeded)
    assert body["calibration"] == "global"
    assert body["confidence"] == pytest.approx(max(body["top_score"], 0.0), abs=0.1)


def test_a_target_precision_sets_the_calibrated_threshold(seeded: TestClient, settings: Settings, spy) -> None:
    write_global_calibration(settings, spy.model_version)
    assert seeded.patch(URL, json={"target_precision": 0.8}).status_code == 200
    body = recommend(seeded)
    # precision of answers scoring at least t is (1 + t) / 2 for t in [0, 1]: 0.8 needs t = 0.6
    assert body["score_threshold"] == pytest.approx(0.6, abs=0.06)
    assert all(a["score"] >= body["score_threshold"] for a in body["articles"])
    assert seeded.patch(URL, json={"target_precision": 0.9999}).status_code == 200
    assert recommend(seeded)["outcome"] == "unoffered"


def test_the_account_shows_its_target_precisions_threshold(seeded: TestClient, settings: Settings, spy) -> None:
    write_global_calibration(settings, spy.model_version)
    body = seeded.patch(URL, json={"target_precision": 0.8}).json()
    assert body["effective_score_threshold"] == recommend(seeded)["score_threshold"]
    assert body["effective_score_threshold"] == pytest.approx(0.6, abs=0.06)
