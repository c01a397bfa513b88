"""Who holds a key, the served model, and the score distribution of recent interactions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN

URL = "/v1/accounts/acme"


def test_me_names_the_keys_account_or_the_admin(client: TestClient) -> None:
    assert client.get("/v1/me").json() == {"admin": False, "account": "acme"}
    assert client.get("/v1/me", headers=ADMIN).json() == {"admin": True, "account": None}
    response = client.get("/v1/me", headers={"X-API-Key": "wrong-key-0123456789"})
    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthorized")


def test_model_describes_the_served_model(seeded: TestClient, spy) -> None:
    model = seeded.get("/v1/model").json()
    exported = spy.inner.metadata
    assert model == {
        "name": spy.model_name,
        "version": spy.model_version,
        "dim": spy.dim,
        "languages": exported["languages"],
        "merge_strategy": exported["merge_strategy"],
        "vocab_size": exported["vocab_size"],
        "max_tokens": exported["max_tokens"],
        "articles": 5,
        "stale_articles": 0,
    }
    assert seeded.get("/v1/model", headers={"X-API-Key": ""}).status_code == 401


def recommend(client: TestClient, **body: object) -> dict:
    response = client.post(f"{URL}/recommendations", json={"enquiry": "reset my password", **body})
    assert response.status_code == 200, response.text
    return response.json()


def test_score_distribution_bins_recent_top_scores_with_feedback(seeded: TestClient) -> None:
    first = recommend(seeded)
    second = recommend(seeded)
    recommend(seeded, labels=["nobody-has-this"])  # no article with the label: no top score
    resolved = {"type": "resolution", "article_id": first["articles"][0]["article_id"]}
    seeded.post(f"{URL}/interactions/{first['interaction_id']}/feedback", json=resolved)
    seeded.post(f"{URL}/interactions/{second['interaction_id']}/feedback", json={"type": "rejection"})
    dist = seeded.get(f"{URL}/interactions/scores", params={"bin_width": 0.5}).json()
    assert (dist["interactions"], dist["unscored"], dist["bin_width"], dist["score_threshold"]) == (3, 1, 0.5, -1.0)
    top = first["top_score"]
    assert top == second["top_score"] == first["articles"][0]["score"]
    lower = 0.5 * (top // 0.5)
    assert dist["bins"] == [{"lower": lower, "interactions": 2, "resolved": 1, "rejected": 1}]
    last_one = seeded.get(f"{URL}/interactions/scores", params={"last": 1}).json()
    assert (last_one["interactions"], last_one["unscored"], last_one["bins"]) == (1, 1, [])


@pytest.mark.parametrize(("params", "field"), [({"last": 0}, "query.last"), ({"bin_width": 0.9}, "query.bin_width")])
def test_score_distribution_refuses_bad_parameters(client: TestClient, params: dict, field: str) -> None:
    response = client.get(f"{URL}/interactions/scores", params=params)
    assert (response.status_code, response.json()["error"]["field"]) == (422, field)
