"""Every account route enforces the key's account; another account's data is a 404 like a missing account."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN

ARTICLE = {"title": "Reset", "body": "Click reset."}

# (method, path under /v1/accounts/{account}, JSON body or None) for every account route
ROUTES = [
    ("GET", "", None),
    ("PATCH", "", {"hybrid": True}),
    ("POST", "/api-key", None),
    ("GET", "/articles", None),
    ("PUT", "/articles", {"articles": [{"article_id": "x", **ARTICLE}]}),
    ("GET", "/articles/pw-reset", None),
    ("PUT", "/articles/pw-reset", ARTICLE),
    ("DELETE", "/articles/pw-reset", None),
    ("GET", "/articles/pw-reset/preview", None),
    ("GET", "/article-counts", None),
    ("POST", "/articles/upload", "FILE"),
    ("POST", "/recommendations", {"enquiry": "reset my password"}),
    ("POST", "/interactions/abc/feedback", {"type": "rejection"}),
    ("GET", "/analytics", None),
    ("GET", "/interactions/scores", None),
]


def call(client: TestClient, method: str, path: str, body, headers: dict | None = None):
    if body == "FILE":
        files = {"file": ("a.csv", b"article_id,title,body\nx,T,B\n", "text/csv")}
        return client.request(method, path, files=files, headers=headers)
    return client.request(method, path, json=body, headers=headers)


@pytest.fixture
def other_key(seeded: TestClient, make_account) -> str:
    """Key of account "globex"; "acme" holds the seeded articles."""
    return make_account("globex")


def test_route_list_covers_every_account_route(client: TestClient) -> None:
    paths = {p for p in client.app.openapi()["paths"] if p.startswith("/v1/accounts/{account}")}
    covered = {
        "/v1/accounts/{account}" + p.replace("/pw-reset", "/{article_id}").replace("/abc/", "/{interaction_id}/")
        for _, p, _ in ROUTES
    }
    assert paths == covered


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_other_accounts_key_gets_404_like_a_missing_account(seeded: TestClient, other_key: str, method, path, body):
    foreign = call(seeded, method, f"/v1/accounts/acme{path}", body, headers={"X-API-Key": other_key})
    missing = call(seeded, method, f"/v1/accounts/nobody{path}", body, headers={"X-API-Key": other_key})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["error"]["code"] == missing.json()["error"]["code"] == "account_not_found"
    assert foreign.json()["error"]["message"].replace("acme", "X") == missing.json()["error"]["message"].replace(
        "nobody", "X"
    )
    assert seeded.get("/v1/accounts/acme/articles").json()["total"] == 5  # nothing was written or deleted


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_missing_or_unknown_key_is_401(seeded: TestClient, method, path, body) -> None:
    for headers in ({"X-API-Key": ""}, {"X-API-Key": "ab_not-a-real-key-at-all"}):
        response = call(seeded, method, f"/v1/accounts/acme{path}", body, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.json()["error"]["field"] == "header.x-api-key"


def test_admin_key_opens_every_account(seeded: TestClient, other_key: str) -> None:
    assert seeded.get("/v1/accounts/acme/articles", headers=ADMIN).json()["total"] == 5
    assert seeded.get("/v1/accounts/globex/articles", headers=ADMIN).json()["total"] == 0


def test_admin_routes_refuse_account_keys(client: TestClient) -> None:
    assert client.get("/v1/accounts").status_code == 403
    response = client.post("/v1/accounts", json={"account_id": "evil"})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


def test_recommendations_rank_only_own_articles(seeded: TestClient, other_key: str) -> None:
    headers = {"X-API-Key": other_key}
    seeded.put("/v1/accounts/globex/articles/g1", json={"title": "Globex only", "body": "Reset"}, headers=headers)
    body = seeded.post("/v1/accounts/globex/recommendations", json={"enquiry": "reset password"}, headers=headers)
    assert [a["article_id"] for a in body.json()["articles"]] == ["g1"]


def test_keys_are_hashed_at_rest_and_rotation_revokes(client: TestClient, settings) -> None:
    old = client.headers["X-API-Key"]
    store = client.app.state.services.store
    assert store.accounts.get("acme").key_hash != old and len(store.accounts.get("acme").key_hash) == 64
    rotated = client.post("/v1/accounts/acme/api-key")
    assert rotated.status_code == 200
    new = rotated.json()["api_key"]
    assert client.get("/v1/accounts/acme", headers={"X-API-Key": old}).status_code == 401
    assert client.get("/v1/accounts/acme", headers={"X-API-Key": new}).status_code == 200


def test_duplicate_account_is_409(client: TestClient) -> None:
    response = client.post("/v1/accounts", json={"account_id": "acme"}, headers=ADMIN)
    assert (response.status_code, response.json()["error"]["field"]) == (409, "body.account_id")


def test_list_accounts_shows_no_keys(client: TestClient, make_account) -> None:
    make_account("globex")
    body = client.get("/v1/accounts", headers=ADMIN).json()
    assert [a["account_id"] for a in body["items"]] == ["acme", "globex"]
    assert "key" not in str(body)
