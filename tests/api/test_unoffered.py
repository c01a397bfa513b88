"""A recommendation says what the threshold was compared with (``top_score``) and, when nothing is offered, why."""

from __future__ import annotations

from fastapi.testclient import TestClient

URL = "/v1/accounts/acme"


def recommend(client: TestClient, **body: object) -> dict:
    response = client.post(f"{URL}/recommendations", json={"enquiry": "reset my password", **body})
    assert response.status_code == 200, response.text
    return response.json()


def set_threshold(client: TestClient, value: float | None) -> None:
    assert client.patch(URL, json={"score_threshold": value}).status_code == 200


def test_offered_has_top_score_and_no_reason(seeded: TestClient) -> None:
    body = recommend(seeded)
    assert body["outcome"] == "offered" and body["unoffered"] is None
    assert body["top_score"] == body["articles"][0]["score"]


def test_no_articles(client: TestClient) -> None:
    body = recommend(client)
    assert (body["outcome"], body["top_score"]) == ("unoffered", None)
    assert body["unoffered"] == {
        "reason": "no_articles",
        "message": "the account has no articles to rank yet; upload some",
    }


def test_below_threshold_names_the_best_article_and_the_threshold(seeded: TestClient) -> None:
    best = recommend(seeded)["articles"][0]
    set_threshold(seeded, 1.0)
    body = recommend(seeded)
    assert (body["outcome"], body["articles"], body["top_score"]) == ("unoffered", [], best["score"])
    assert body["unoffered"] == {
        "reason": "below_threshold",
        "message": f"the best article, {best['article_id']!r} ({best['title']}), scored {best['score']:.3f}, "
        "below the score threshold 1.000",
    }


def test_labels_nobody_has_are_filtered(seeded: TestClient) -> None:
    body = recommend(seeded, labels=["zzz"])
    assert (body["top_score"], body["unoffered"]["reason"]) == (None, "filtered")
    assert (
        body["unoffered"]["message"]
        == "no article has the label(s) 'zzz'; remove the label filter or label the articles"
    )


def test_articles_above_threshold_without_the_labels_are_filtered(seeded: TestClient) -> None:
    ranked = recommend(seeded, top_k=4)["articles"]
    labelled = recommend(seeded, labels=["b"])["articles"][0]  # only "invoice" has label b
    assert labelled["article_id"] == "invoice"
    above = [a["score"] for a in ranked if a["article_id"] != "invoice" and a["score"] > labelled["score"]]
    assert above, "the fixture needs an unlabelled article scoring above the labelled one"
    set_threshold(seeded, (labelled["score"] + max(above)) / 2)
    body = recommend(seeded, labels=["b"])
    assert (body["top_score"], body["unoffered"]["reason"]) == (labelled["score"], "filtered")
    assert "none with the label(s) 'b'; with them, the best article, 'invoice'" in body["unoffered"]["message"]


def test_locale_filter_falls_back_rather_than_leaving_nothing(seeded: TestClient) -> None:
    body = recommend(seeded, locale="fr")
    assert (body["outcome"], body["locale_fallback"], body["unoffered"]) == ("offered", True, None)
