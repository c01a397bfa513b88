"""Fuzz, short version: hypothesis text inputs and schemathesis, in process; no server errors.

``bench/reliability.py`` runs the same runners with >= 2,000 requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from answerbot.api import create_app
from answerbot.settings import Settings
from tests.api.conftest import ADMIN, ADMIN_KEY, ARTICLES
from tests.reliability.fuzz import fuzz_schema, fuzz_texts

TEXT_EXAMPLES = 120  # x 3 requests
SCHEMA_EXAMPLES_PER_OPERATION = 6  # x 17 operations


def fuzz_settings(tmp: Path) -> Settings:
    return Settings(
        store_path=tmp / "store.sqlite",
        model_root=tmp / "none",
        admin_key=ADMIN_KEY,
        score_threshold=-1.0,
        max_enquiry_chars=300,
        max_article_chars=1000,
        max_request_bytes=2 * 1024 * 1024,
    )


@pytest.fixture
def fuzz_client(tmp_path: Path, encoder) -> Iterator[TestClient]:
    with TestClient(create_app(fuzz_settings(tmp_path), encoder=encoder), headers=ADMIN) as client:
        assert client.post("/v1/accounts", json={"account_id": "acme"}).status_code == 201
        assert client.put("/v1/accounts/acme/articles", json={"articles": ARTICLES}).status_code == 200
        yield client


def test_text_fuzz_has_no_server_errors(fuzz_client: TestClient) -> None:
    statuses = fuzz_texts(fuzz_client, "acme", max_enquiry_chars=300, examples=TEXT_EXAMPLES)
    assert sum(statuses.values()) >= 3 * TEXT_EXAMPLES * 0.9
    assert not [s for s in statuses if s >= 500]
    assert statuses[200] and statuses[400] and statuses[413]  # valid texts, broken bytes, 1 MB bodies


def test_schema_fuzz_has_no_server_errors(fuzz_client: TestClient) -> None:
    app = fuzz_client.app
    statuses = fuzz_schema(app, ADMIN, "acme", SCHEMA_EXAMPLES_PER_OPERATION)  # type: ignore[arg-type]
    assert sum(statuses.values()) >= 17 * 3
    assert not [s for s in statuses if s >= 500]
