"""An app on a temporary SQLite store with the test encoder, behind a TestClient holding account "acme"'s key."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from answerbot.api import create_app
from answerbot.settings import Settings
from tests.serving.host import ServingHost, shared_host

ADMIN_KEY = "test-admin-key-0123456789"
ADMIN = {"X-API-Key": ADMIN_KEY}

ARTICLES = [
    {"article_id": "pw-reset", "title": "Reset your password", "body": "Open settings and click reset password."},
    {"article_id": "refund", "title": "Request a refund", "body": "Refunds are paid within five days.", "locale": "en"},
    {
        "article_id": "invoice",
        "title": "Download invoices",
        "body": "Invoices are on the billing page.",
        "labels": ["b"],
    },
    {"article_id": "2fa", "title": "Two-factor login", "body": "Enable two-factor authentication in the app."},
    {"article_id": "shipping", "title": "Versandzeiten", "body": "Pakete kommen in drei Tagen an.", "locale": "de"},
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        store_path=tmp_path / "store.sqlite",
        model_root=tmp_path / "no-models-here",
        max_top_k=4,
        max_enquiry_chars=200,
        max_article_chars=400,
        max_bulk_articles=6,
        admin_key=ADMIN_KEY,
        score_threshold=-1.0,
        micro_batch_wait_ms=5.0,
        max_request_bytes=64 * 1024,
        status_max_age_s=0.0,
    )


@pytest.fixture
def spy(make_spy):
    return make_spy()


def create_account(client: TestClient, account: str, **settings: object) -> str:
    """Create ``account`` with the admin key; returns its API key."""
    response = client.post("/v1/accounts", json={"account_id": account, **settings}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return response.json()["api_key"]


@pytest.fixture
def make_account(client: TestClient) -> Callable[..., str]:
    """``make_account(name, **settings)``: creates an account, returns its key."""
    return lambda account, **settings: create_account(client, account, **settings)


@pytest.fixture
def client(settings: Settings, spy) -> Iterator[TestClient]:
    """A client whose default X-API-Key opens account "acme" (created empty)."""
    with TestClient(create_app(settings, encoder=spy)) as test_client:
        test_client.headers["X-API-Key"] = create_account(test_client, "acme")
        yield test_client


@pytest.fixture
def articles() -> list[dict]:
    """Five small articles, as the bulk endpoint takes them."""
    return copy.deepcopy(ARTICLES)


@pytest.fixture
def seeded(client: TestClient, articles: list[dict]) -> TestClient:
    """The client with ``articles`` uploaded in one bulk request to account "acme"."""
    response = client.put("/v1/accounts/acme/articles", json={"articles": articles})
    assert response.status_code == 200, response.text
    return client


@pytest.fixture(scope="session")
def host(tiny_model_root: Path, tmp_path_factory) -> Iterator[ServingHost]:
    """The TF Serving stand-in (versions 1 and 2) on loopback ports."""
    yield from shared_host(tiny_model_root, tmp_path_factory)
