"""Property-based run over the OpenAPI schema: every operation, >= 200 generated cases, no server error.

Cases target account "acme" (seeded) with the admin key, so requests reach the handlers rather than stopping at
authentication; other accounts and keys are covered by test_tenancy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from answerbot.api import create_app
from answerbot.service import AccountService, ArticleInput, Services
from answerbot.settings import Settings
from answerbot.store import Store
from tests.api.conftest import ADMIN, ADMIN_KEY, ARTICLES

EXAMPLES_PER_OPERATION = 16  # 22 operations; a few have too few distinct inputs to reach 16


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory, encoder):
    tmp = tmp_path_factory.mktemp("schemathesis")
    app_settings = Settings(
        store_path=tmp / "store.sqlite",
        model_root=Path(tmp / "none"),
        admin_key=ADMIN_KEY,
        score_threshold=-1.0,
        max_enquiry_chars=300,
        max_request_bytes=256 * 1024,
    )
    store = Store.sqlite(app_settings.store_path)
    AccountService(store, app_settings).create("acme")
    articles = [
        ArticleInput(a["article_id"], a["title"], a["body"], a.get("locale"), tuple(a.get("labels", [])))
        for a in ARTICLES
    ]
    Services.build(store, encoder, app_settings).articles.upsert_articles("acme", articles)
    store.close()
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(app_settings, encoder=encoder))


def test_no_server_errors(api_schema) -> None:
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    labels: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            if case.path_parameters and "account" in case.path_parameters:
                case.path_parameters["account"] = "acme"
            labels.append(case.operation.label)
            case.call_and_validate(headers=ADMIN, checks=checks)

        run()
    assert len(set(labels)) == len(operations) == 22
    assert len(labels) >= 200, len(labels)
