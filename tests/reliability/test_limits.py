"""Every bound answers a clear 4xx ``{error: {code, message, field}}`` that names the field and the setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from answerbot.api import create_app
from answerbot.settings import Settings
from tests.api.conftest import ADMIN, ADMIN_KEY, ARTICLES


@pytest.fixture
def client(tmp_path: Path, make_spy) -> Iterator[TestClient]:
    settings = Settings(
        store_path=tmp_path / "store.sqlite",
        model_root=tmp_path / "none",
        admin_key=ADMIN_KEY,
        max_top_k=10,
        max_enquiry_chars=200,
        max_bulk_articles=6,
        max_articles_per_account=8,
        max_request_bytes=64 * 1024,
    )
    with TestClient(create_app(settings, encoder=make_spy()), headers=ADMIN) as c:
        assert c.post("/v1/accounts", json={"account_id": "acme"}).status_code == 201
        assert c.put("/v1/accounts/acme/articles", json={"articles": ARTICLES}).status_code == 200
        yield c


def _error(response, status: int, field: str, *words: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == field, error
    for word in words:
        assert word in error["message"], error


def test_request_body_over_max_request_bytes(client: TestClient) -> None:
    response = client.post("/v1/accounts/acme/recommendations", json={"enquiry": "x" * (65 * 1024)})
    _error(response, 413, "body", "65536 bytes", "ANSWERBOT_MAX_REQUEST_BYTES")


@pytest.mark.parametrize("top_k", [11, 1000])
def test_top_k_over_the_maximum(client: TestClient, top_k: int) -> None:
    response = client.post("/v1/accounts/acme/recommendations", json={"enquiry": "refund", "top_k": top_k})
    _error(response, 422, "body.top_k", f"top_k={top_k}", "1 to 10")


def test_top_k_below_one(client: TestClient) -> None:
    response = client.post("/v1/accounts/acme/recommendations", json={"enquiry": "refund", "top_k": 0})
    _error(response, 422, "body.top_k")


def test_enquiry_over_max_enquiry_chars(client: TestClient) -> None:
    response = client.post("/v1/accounts/acme/recommendations", json={"enquiry": "y" * 201})
    _error(response, 413, "body.enquiry", "201 characters", "ANSWERBOT_MAX_ENQUIRY_CHARS")


def test_bulk_batch_over_max_bulk_articles(client: TestClient) -> None:
    articles = [{"article_id": f"a{i}", "title": "t", "body": "b"} for i in range(7)]
    response = client.put("/v1/accounts/acme/articles", json={"articles": articles})
    _error(response, 413, "body.articles", "7 articles", "ANSWERBOT_MAX_BULK_ARTICLES")
    assert client.get("/v1/accounts/acme/articles").json()["total"] == len(ARTICLES)


def test_bulk_write_past_max_articles_per_account(client: TestClient) -> None:
    articles = [{"article_id": f"new{i}", "title": "t", "body": "b"} for i in range(4)]  # 5 + 4 > 8
    response = client.put("/v1/accounts/acme/articles", json={"articles": articles})
    _error(response, 409, "body.articles", "acme", "limit of 8", "ANSWERBOT_MAX_ARTICLES_PER_ACCOUNT")
    assert response.json()["error"]["code"] == "quota_exceeded"
    assert client.get("/v1/accounts/acme/articles").json()["total"] == len(ARTICLES)  # nothing written
    assert client.put("/v1/accounts/acme/articles", json={"articles": articles[:3]}).status_code == 200  # 8: fits


def test_single_write_past_max_articles_per_account(client: TestClient) -> None:
    fill = [{"article_id": f"new{i}", "title": "t", "body": "b"} for i in range(3)]
    assert client.put("/v1/accounts/acme/articles", json={"articles": fill}).status_code == 200
    response = client.put("/v1/accounts/acme/articles/one-more", json={"title": "t", "body": "b"})
    _error(response, 409, "path.article_id", "limit of 8")
    replaced = client.put("/v1/accounts/acme/articles/refund", json={"title": "Refunds", "body": "changed"})
    assert replaced.status_code == 200  # replacing an article never counts against the quota


def test_upload_past_max_articles_per_account(client: TestClient) -> None:
    table = "article_id,title,body\n" + "".join(f"up{i},t{i},b{i}\n" for i in range(4))
    response = client.post("/v1/accounts/acme/articles/upload", files={"file": ("kb.csv", table, "text/csv")})
    _error(response, 409, "body.file", "limit of 8")
