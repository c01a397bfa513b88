from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from answerbot.lang import detect_language
from answerbot.text import article_text

URL = "/v1/accounts/acme/recommendations"
ENQUIRY = "How can I reset my password? The login page keeps failing."


def expected_ids(encoder, articles: list[dict], enquiry: str, k: int) -> list[str]:
    """Top k ids by numpy over the encoder's own vectors (one batch, as uploaded), ties by id."""
    vectors = encoder.encode([article_text(a["title"], a["body"]) for a in articles])
    by_id = dict(zip([a["article_id"] for a in articles], vectors, strict=True))
    ids = sorted(by_id)
    scores = np.stack([by_id[i] for i in ids]).astype(np.float32) @ encoder.encode([enquiry])[0]
    return [ids[i] for i in sorted(range(len(ids)), key=lambda i: (-scores[i], i))[:k]]


@pytest.mark.parametrize("k", [1, 2, 4])
def test_ranking_equals_numpy(seeded: TestClient, spy, articles: list[dict], k: int) -> None:
    response = seeded.post(URL, json={"enquiry": ENQUIRY, "top_k": k})
    assert response.status_code == 200
    assert [a["article_id"] for a in response.json()["articles"]] == expected_ids(spy.inner, articles, ENQUIRY, k)


def test_response_shape(seeded: TestClient, spy, settings, articles: list[dict]) -> None:
    body = seeded.post(URL, json={"enquiry": ENQUIRY}).json()
    guess = detect_language(ENQUIRY)
    assert body["account"] == "acme"
    assert body["model"] == {"name": spy.model_name, "version": spy.model_version, "language": guess.code}
    assert body["outcome"] == "offered"
    assert len(body["interaction_id"]) == 32
    assert body["language"] == {"code": guess.code, "confidence": guess.confidence}
    assert len(body["articles"]) == settings.default_top_k
    first = body["articles"][0]
    article = next(a for a in articles if a["article_id"] == first["article_id"])
    assert (first["title"], first["locale"]) == (article["title"], article.get("locale"))
    assert first["snippet"] == article["body"]
    assert first["labels"] == article.get("labels", [])
    assert first["explanation"] is None
    scores = [a["score"] for a in body["articles"]]
    assert scores == sorted(scores, reverse=True)


def test_deleted_article_is_not_recommended(seeded: TestClient) -> None:
    top = seeded.post(URL, json={"enquiry": ENQUIRY, "top_k": 1}).json()["articles"][0]["article_id"]
    seeded.delete(f"/v1/accounts/acme/articles/{top}")
    ids = [a["article_id"] for a in seeded.post(URL, json={"enquiry": ENQUIRY, "top_k": 4}).json()["articles"]]
    assert top not in ids
    assert len(ids) == 4


def test_unknown_account_404(seeded: TestClient) -> None:
    response = seeded.post("/v1/accounts/ghost/recommendations", json={"enquiry": ENQUIRY})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "account_not_found"


def test_top_k_above_max_is_422(seeded: TestClient, settings) -> None:
    response = seeded.post(URL, json={"enquiry": ENQUIRY, "top_k": settings.max_top_k + 1})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.top_k"
    assert str(settings.max_top_k) in response.json()["error"]["message"]
