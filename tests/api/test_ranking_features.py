"""Threshold and no-answer, locale fallback, label filter, explain, hybrid scoring, HTML bodies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from answerbot.text import normalize

URL = "/v1/accounts/acme/recommendations"
ENQUIRY = "How can I reset my password? The login page keeps failing."


def recommend(client: TestClient, **payload) -> dict:
    response = client.post(URL, json={"enquiry": ENQUIRY, **payload})
    assert response.status_code == 200, response.text
    return response.json()


def test_account_threshold_overrides_global_and_gives_unoffered(seeded: TestClient, settings) -> None:
    assert recommend(seeded)["score_threshold"] == settings.score_threshold
    patched = seeded.patch("/v1/accounts/acme", json={"score_threshold": 0.9999})
    assert patched.json()["effective_score_threshold"] == 0.9999
    body = recommend(seeded)
    assert (body["outcome"], body["articles"], body["score_threshold"]) == ("unoffered", [], 0.9999)
    assert len(body["interaction_id"]) == 32


def test_threshold_cuts_between_scores(seeded: TestClient) -> None:
    scores = [a["score"] for a in recommend(seeded, top_k=4)["articles"]]
    cut = (scores[1] + scores[2]) / 2
    seeded.patch("/v1/accounts/acme", json={"score_threshold": cut})
    assert [a["score"] for a in recommend(seeded, top_k=4)["articles"]] == scores[:2]
    seeded.patch("/v1/accounts/acme", json={"score_threshold": None})  # back to the global default
    assert len(recommend(seeded, top_k=4)["articles"]) == 4


def test_locale_filter_keeps_the_locale(seeded: TestClient) -> None:
    body = recommend(seeded, locale="de-AT", top_k=4)
    assert [a["article_id"] for a in body["articles"]] == ["shipping"]
    assert body["locale_fallback"] is False


def test_locale_without_articles_falls_back_to_all(seeded: TestClient) -> None:
    body = recommend(seeded, locale="fr", top_k=4)
    assert body["locale_fallback"] is True
    assert len(body["articles"]) == 4


def test_locale_falls_back_when_nothing_of_it_passes_the_threshold(seeded: TestClient) -> None:
    de_score = recommend(seeded, locale="de")["articles"][0]["score"]
    best = recommend(seeded, top_k=1)["articles"][0]
    if best["score"] <= de_score:  # the German article is the best overall; nothing to show
        return
    seeded.patch("/v1/accounts/acme", json={"score_threshold": (de_score + best["score"]) / 2})
    body = recommend(seeded, locale="de")
    assert body["locale_fallback"] is True
    assert body["articles"][0]["article_id"] == best["article_id"]


def test_label_filter(seeded: TestClient) -> None:
    body = recommend(seeded, labels=["b", "nope"], top_k=4)
    assert [a["article_id"] for a in body["articles"]] == ["invoice"]
    assert body["articles"][0]["labels"] == ["b"]
    assert recommend(seeded, labels=["nope"])["outcome"] == "unoffered"


def test_explain_lists_enquiry_tokens_by_occlusion(seeded: TestClient, spy) -> None:
    body = recommend(seeded, explain=True, top_k=2)
    assert body["explain_method"] == "occlusion"
    units = set(normalize(ENQUIRY).split())
    for article in body["articles"]:
        tokens = article["explanation"]
        assert 1 <= len(tokens) <= 5
        assert {t["token"] for t in tokens} <= units
        weights = [t["weight"] for t in tokens]
        assert weights == sorted(weights, reverse=True)


def test_explain_weight_is_the_score_drop(seeded: TestClient, spy) -> None:
    article = recommend(seeded, explain=True, top_k=1)["articles"][0]
    token = article["explanation"][0]
    units = normalize(ENQUIRY).split()
    without = " ".join(u for u in units if u != token["token"])
    vectors = spy.inner.encode([ENQUIRY, without])
    stored = seeded.app.state.services.ranking.index("acme")
    row = stored.matrix[stored.ids.index(article["article_id"])]
    assert token["weight"] == __import__("pytest").approx(float(vectors[0] @ row - vectors[1] @ row), abs=1e-4)


def test_hybrid_changes_scores_and_stays_at_most_one(seeded: TestClient, settings) -> None:
    dense = {a["article_id"]: a["score"] for a in recommend(seeded, labels=["b"])["articles"]}
    dense |= {a["article_id"]: a["score"] for a in recommend(seeded, top_k=4)["articles"]}
    seeded.patch("/v1/accounts/acme", json={"hybrid": True})
    body = recommend(seeded, top_k=4)
    assert body["hybrid"] is True
    fused = {a["article_id"]: a["score"] for a in body["articles"]}
    assert fused != dense
    assert max(fused.values()) <= 1.0 + 1e-6
    # pw-reset shares the most words with the enquiry: its BM25 part is the maximum, 1
    w = settings.hybrid_weight
    assert fused["pw-reset"] == __import__("pytest").approx((1 - w) * dense["pw-reset"] + w, abs=1e-5)


def test_html_body_is_stripped_for_encoding_and_snippet_but_kept(client: TestClient, spy) -> None:
    html = "<p>Open <b>settings</b> &amp; click <a href='#'>reset</a>.</p><script>evil()</script>"
    client.put("/v1/accounts/acme/articles/pw", json={"title": "Reset", "body": html})
    assert spy.batches[-1] == ["Reset\nOpen settings & click reset."]
    assert client.get("/v1/accounts/acme/articles/pw").json()["body"] == html
    article = recommend(client)["articles"][0]
    assert article["snippet"] == "Open settings & click reset."


def test_unchanged_upload_is_not_reencoded(seeded: TestClient, spy, articles) -> None:
    calls = len(spy.batches)
    counts = seeded.put("/v1/accounts/acme/articles", json={"articles": articles}).json()
    assert counts == {"created": 0, "updated": 0, "unchanged": 5}
    assert len(spy.batches) == calls


def test_empty_account_is_unoffered(client: TestClient) -> None:
    assert recommend(client)["outcome"] == "unoffered"


def test_short_enquiry_is_undetermined_language(seeded: TestClient) -> None:
    body = seeded.post(URL, json={"enquiry": "2fa"}).json()
    assert body["language"] == {"code": "und", "confidence": 0.0}
    assert body["model"]["language"] == "und"
