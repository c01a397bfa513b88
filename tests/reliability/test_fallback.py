"""Encoder down: 503 with Retry-After, or BM25 results flagged as lexical fallback for accounts that allow it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from answerbot.api import create_app
from answerbot.encoders.base import EncoderError
from answerbot.service import AccountService, ArticleInput, Services
from answerbot.settings import Settings
from answerbot.store import Store, StoreError
from tests.api.conftest import ADMIN, ADMIN_KEY, ARTICLES
from tests.store.conftest import postgres_store
from tests.store.test_migrations import PREVIOUS as PREVIOUS_RELEASE


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        store_path=tmp_path / "store.sqlite",
        model_root=tmp_path / "none",
        admin_key=ADMIN_KEY,
        score_threshold=-1.0,
        retry_after_s=3,
    )


@pytest.fixture
def spy(make_spy):
    return make_spy()


@pytest.fixture
def client(settings: Settings, spy) -> Iterator[TestClient]:
    with TestClient(create_app(settings, encoder=spy), headers=ADMIN) as c:
        assert c.post("/v1/accounts", json={"account_id": "strict"}).status_code == 201
        created = c.post("/v1/accounts", json={"account_id": "lenient", "lexical_fallback": True})
        assert created.status_code == 201 and created.json()["account"]["lexical_fallback"] is True
        for account in ("strict", "lenient"):
            assert c.put(f"/v1/accounts/{account}/articles", json={"articles": ARTICLES}).status_code == 200
        yield c


def _recommend(client: TestClient, account: str, **extra: object):
    return client.post(f"/v1/accounts/{account}/recommendations", json={"enquiry": "request a refund", **extra})


def test_encoder_down_is_503_with_retry_after(client: TestClient, spy) -> None:
    spy.fail = True
    response = _recommend(client, "strict")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "3"
    assert response.json()["error"]["code"] == "encoder_unavailable"
    assert "retry after 3 s" in response.json()["error"]["message"]


def test_encoder_down_with_lexical_fallback_answers_bm25_flagged(client: TestClient, spy) -> None:
    assert _recommend(client, "lenient").json()["fallback"] is None
    spy.fail = True
    response = _recommend(client, "lenient", top_k=2, explain=True)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fallback"] == "lexical" and body["explain_method"] is None
    assert body["articles"][0]["article_id"] == "refund"
    assert all(a["score"] > 0 for a in body["articles"])
    url = f"/v1/accounts/lenient/interactions/{body['interaction_id']}/feedback"
    assert client.post(url, json={"type": "resolution", "article_id": "refund"}).status_code == 201
    spy.fail = False
    assert _recommend(client, "lenient").json()["fallback"] is None


def test_lexical_fallback_says_why_nothing_was_offered_and_records_no_top_score(client: TestClient, spy) -> None:
    spy.fail = True
    body = client.post("/v1/accounts/lenient/recommendations", json={"enquiry": "zzz qqq"}).json()
    assert (body["fallback"], body["outcome"], body["unoffered"]["reason"]) == (
        "lexical",
        "unoffered",
        "below_threshold",
    )
    assert "no article shares a word with the enquiry" in body["unoffered"]["message"]
    offered = _recommend(client, "lenient").json()
    assert offered["top_score"] == offered["articles"][0]["score"]  # the BM25 score, as the articles show
    scores = client.get("/v1/accounts/lenient/interactions/scores").json()
    assert (scores["interactions"], scores["unscored"], scores["bins"]) == (
        2,
        2,
        [],
    )  # BM25 is not on the threshold's scale


def test_lexical_fallback_keeps_filters(client: TestClient, spy) -> None:
    spy.fail = True
    body = _recommend(client, "lenient", labels=["b"]).json()
    assert body["fallback"] == "lexical" and [a["article_id"] for a in body["articles"]] in ([], ["invoice"])
    assert _recommend(client, "lenient", locale="not a locale!").status_code == 422


def test_lexical_fallback_is_a_patchable_account_setting(client: TestClient, spy) -> None:
    patched = client.patch("/v1/accounts/strict", json={"lexical_fallback": True})
    assert patched.status_code == 200 and patched.json()["lexical_fallback"] is True
    assert client.get("/v1/accounts/strict").json()["lexical_fallback"] is True
    spy.fail = True
    assert _recommend(client, "strict").json()["fallback"] == "lexical"
    client.patch("/v1/accounts/strict", json={"hybrid": True})  # other settings leave it alone
    assert client.get("/v1/accounts/strict").json()["lexical_fallback"] is True


def test_service_recommend_falls_back_without_the_api(settings: Settings, make_spy) -> None:
    store = Store.sqlite(settings.store_path)
    try:
        AccountService(store, settings).create("lenient", lexical_fallback=True)
        AccountService(store, settings).create("strict")
        spy = make_spy()
        service = Services.build(store, spy, settings)
        for account in ("lenient", "strict"):
            service.articles.upsert_articles(
                account, [ArticleInput(a["article_id"], a["title"], a["body"]) for a in ARTICLES]
            )
        spy.fail = True
        rec = service.ranking.recommend("lenient", "two-factor login", 3)
        assert rec.fallback == "lexical" and rec.articles[0].article_id == "2fa"
        with pytest.raises(EncoderError):
            service.ranking.recommend("strict", "two-factor login", 3)
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_store_keeps_lexical_fallback(backend: str, tmp_path: Path, settings: Settings) -> None:
    store = Store.sqlite(tmp_path / "s.sqlite") if backend == "sqlite" else postgres_store()
    try:
        accounts = AccountService(store, settings)
        accounts.create("a", lexical_fallback=True)
        accounts.create("b")
        assert [x.lexical_fallback for x in accounts.list()] == [True, False]
        accounts.update("a", lexical_fallback=False)
        accounts.update("b", lexical_fallback=True)
        assert [x.lexical_fallback for x in accounts.list()] == [False, True]
    finally:
        if backend == "postgres":
            store.drop_schema()
        store.close()


def test_sqlite_store_without_the_column_is_refused_with_the_fix(tmp_path: Path) -> None:
    """A store from before lexical fallback (and before answerbot 0.1): the message says how to bring it over."""
    path = tmp_path / "old.sqlite"
    script = (PREVIOUS_RELEASE / "sqlite.sql").read_text()
    with sqlite3.connect(path) as conn:  # a schema-2 store, from before lexical fallback and model versions
        for statement in script[: script.index("CREATE TABLE IF NOT EXISTS article_vectors")].split(";"):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO accounts (account_id, key_hash, score_threshold, hybrid, created_at) "
            "VALUES ('old', NULL, NULL, 1, '2025-01-01T00:00:00.000000Z')"
        )
        conn.execute("PRAGMA user_version = 2")
    with pytest.raises(StoreError, match=r"open it once with answerbot 0\.1\.0"):
        Store.sqlite(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT account_id, hybrid FROM accounts").fetchall() == [("old", 1)]
