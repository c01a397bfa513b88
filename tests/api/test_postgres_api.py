"""The API end to end on PostgreSQL: accounts, articles, recommendations, feedback, analytics."""

from __future__ import annotations

from fastapi.testclient import TestClient

from answerbot.api import create_app
from tests.api.conftest import ADMIN
from tests.store.conftest import postgres_store


def test_full_flow_on_postgres(settings, spy, articles) -> None:
    store = postgres_store()
    try:
        with TestClient(create_app(settings, encoder=spy, store=store)) as client:
            key = client.post("/v1/accounts", json={"account_id": "acme"}, headers=ADMIN).json()["api_key"]
            client.headers["X-API-Key"] = key
            assert client.put("/v1/accounts/acme/articles", json={"articles": articles}).status_code == 200
            rec = client.post("/v1/accounts/acme/recommendations", json={"enquiry": "reset password", "top_k": 2})
            assert rec.status_code == 200 and rec.json()["outcome"] == "offered"
            top = rec.json()["articles"][0]["article_id"]
            url = f"/v1/accounts/acme/interactions/{rec.json()['interaction_id']}/feedback"
            assert client.post(url, json={"type": "resolution", "article_id": top}).status_code == 201
            assert client.post(url, json={"type": "resolution", "article_id": top}).status_code == 409
            totals = client.get("/v1/accounts/acme/analytics").json()["totals"]
            assert (totals["attempts"], totals["offered"], totals["resolutions"]) == (1, 1, 1)
            assert client.get("/v1/accounts/acme/articles", params={"limit": 2}).json()["total"] == len(articles)
            assert client.get("/readyz").status_code == 200
            other = client.post("/v1/accounts", json={"account_id": "globex"}, headers=ADMIN).json()["api_key"]
            assert client.get("/v1/accounts/acme/articles", headers={"X-API-Key": other}).status_code == 404
    finally:
        store.drop_schema()
        store.close()
