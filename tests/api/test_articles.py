from __future__ import annotations

from fastapi.testclient import TestClient

URL = "/v1/accounts/acme/articles"


def test_put_creates_then_replaces(client: TestClient, spy) -> None:
    body = {"title": "Reset", "body": "Click reset.", "locale": "en", "labels": ["login"]}
    created = client.put(f"{URL}/pw", json=body)
    assert created.status_code == 201
    assert created.json() == {
        "account": "acme",
        "article_id": "pw",
        "title": "Reset",
        "body": "Click reset.",
        "locale": "en",
        "labels": ["login"],
        "model_version": spy.model_version,
        "updated_at": created.json()["updated_at"],
    }
    assert created.json()["updated_at"].endswith("Z")
    replaced = client.put(f"{URL}/pw", json={**body, "body": "Click reset twice."})
    assert replaced.status_code == 200
    assert replaced.json()["body"] == "Click reset twice."


def test_put_response_has_no_vector(client: TestClient) -> None:
    response = client.put(f"{URL}/pw", json={"title": "T", "body": "B"})
    assert "vector" not in response.json()


def test_get_returns_stored_article(seeded: TestClient) -> None:
    response = seeded.get(f"{URL}/refund")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["locale"]) == ("Request a refund", "en")


def test_bulk_counts(client: TestClient, articles: list[dict]) -> None:
    first = client.put(URL, json={"articles": articles[:2]})
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    changed = {**articles[1], "body": "New body."}
    second = client.put(URL, json={"articles": [articles[0], changed, articles[2]]})
    assert second.json() == {"created": 1, "updated": 1, "unchanged": 1}


def test_bulk_is_atomic(client: TestClient, articles: list[dict]) -> None:
    bad = {"article_id": "bad", "title": " ", "body": "Blank title."}
    response = client.put(URL, json={"articles": [articles[0], bad]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.articles.1.title"
    assert client.get(URL).json()["total"] == 0


def test_bulk_duplicate_ids(client: TestClient, articles: list[dict]) -> None:
    response = client.put(URL, json={"articles": [articles[0], articles[0]]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.articles.1.article_id"


def test_bulk_over_limit_is_413(client: TestClient, settings) -> None:
    articles = [{"article_id": f"a{i}", "title": "T", "body": "B"} for i in range(settings.max_bulk_articles + 1)]
    response = client.put(URL, json={"articles": articles})
    assert response.status_code == 413
    assert response.json()["error"]["field"] == "body.articles"


def test_list_paginates_in_id_order(seeded: TestClient, articles: list[dict]) -> None:
    ids = sorted(a["article_id"] for a in articles)
    response = seeded.get(URL, params={"limit": 2, "offset": 1})
    assert response.status_code == 200
    page = response.json()
    assert [a["article_id"] for a in page["items"]] == ids[1:3]
    assert (page["total"], page["limit"], page["offset"]) == (len(articles), 2, 1)


def test_list_past_the_end_is_empty(seeded: TestClient, articles: list[dict]) -> None:
    page = seeded.get(URL, params={"offset": 100}).json()
    assert (page["items"], page["total"]) == ([], len(articles))


def test_list_limit_out_of_range(seeded: TestClient) -> None:
    response = seeded.get(URL, params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "query.limit"


def test_delete_then_404(seeded: TestClient) -> None:
    assert seeded.delete(f"{URL}/refund").status_code == 204
    response = seeded.get(f"{URL}/refund")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "article_not_found"
    assert seeded.delete(f"{URL}/refund").status_code == 404


def test_unknown_article_404_names_it(seeded: TestClient) -> None:
    response = seeded.get(f"{URL}/nope")
    assert response.status_code == 404
    assert "'nope'" in response.json()["error"]["message"]


def test_unknown_account_404_names_it(client: TestClient) -> None:
    response = client.get("/v1/accounts/ghost/articles")
    assert response.status_code == 404
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("account_not_found", "path.account")
    assert "'ghost'" in error["message"]


def test_readyz_counts_articles(seeded: TestClient, spy, articles: list[dict]) -> None:
    response = seeded.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "model": {"name": spy.model_name, "version": spy.model_version},
        "articles": len(articles),
        "stale_articles": 0,
    }


def test_bulk_upload_names_the_id_article_id_as_responses_do(client: TestClient) -> None:
    payload = {"articles": [{"article_id": "pw", "title": "Reset", "body": "Click reset."}]}
    response = client.put("/v1/accounts/acme/articles", json=payload)
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert client.get("/v1/accounts/acme/articles/pw").json()["article_id"] == "pw"


def test_bulk_upload_with_the_old_id_name_is_read_with_a_deprecation_note(client: TestClient) -> None:
    payload = {"articles": [{"article_id": "a", "title": "A", "body": "a"}, {"id": "b", "title": "B", "body": "b"}]}
    body = client.put("/v1/accounts/acme/articles", json=payload).json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 0)
    (note,) = body["deprecations"]
    assert note.startswith("articles.1.id (and 1 in all)") and "article_id" in note
    assert client.get("/v1/accounts/acme/articles/b").json()["article_id"] == "b"


def test_bulk_upload_with_both_id_names_is_422(client: TestClient) -> None:
    payload = {"articles": [{"article_id": "a", "id": "b", "title": "A", "body": "a"}]}
    response = client.put("/v1/accounts/acme/articles", json=payload)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "body.articles.0" and "send article_id only" in error["message"]
    assert client.get("/v1/accounts/acme/articles").json()["total"] == 0
