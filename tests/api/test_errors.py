from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from answerbot.api import create_app
from answerbot.store import Store
from tests.api.conftest import ADMIN

URL = "/v1/accounts/acme/recommendations"


def error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]


def test_invalid_json_is_400(seeded: TestClient) -> None:
    response = seeded.post(URL, content=b'{"enquiry": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert error(response)["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body.enquiry"),
        ({"enquiry": 5}, "body.enquiry"),
        ({"enquiry": "hi", "top_k": 0}, "body.top_k"),
        ({"enquiry": "hi", "top_k": "many"}, "body.top_k"),
        ({"enquiry": "hi", "topk": 2}, "body.topk"),
        ({"enquiry": "   "}, "body.enquiry"),
    ],
)
def test_validation_422_names_the_field(seeded: TestClient, payload: dict, field: str) -> None:
    response = seeded.post(URL, json=payload)
    assert response.status_code == 422
    assert error(response)["code"] == "validation_error"
    assert error(response)["field"] == field


@pytest.mark.parametrize("account", ["bad%20id", "x" * 129, "a%2Bb"])
def test_invalid_account_in_path_is_422(client: TestClient, account: str) -> None:
    response = client.put(f"/v1/accounts/{account}/articles/a1", json={"title": "T", "body": "B"})
    assert response.status_code == 422
    assert error(response)["field"] == "path.account"


def test_invalid_article_id_in_path_is_422(client: TestClient) -> None:
    response = client.get("/v1/accounts/acme/articles/a$b")
    assert response.status_code == 422
    assert error(response)["field"] == "path.article_id"


def test_overlong_enquiry_is_413(seeded: TestClient, settings) -> None:
    response = seeded.post(URL, json={"enquiry": "x" * (settings.max_enquiry_chars + 1)})
    assert response.status_code == 413
    assert error(response)["field"] == "body.enquiry"
    assert "ANSWERBOT_MAX_ENQUIRY_CHARS" in error(response)["message"]


def test_overlong_article_is_413(client: TestClient, settings) -> None:
    body = {"title": "T", "body": "x" * settings.max_article_chars}
    response = client.put("/v1/accounts/acme/articles/a1", json=body)
    assert response.status_code == 413
    assert error(response)["field"] == "body.body"


def test_unknown_route_is_json_404(client: TestClient) -> None:
    response = client.get("/nope")
    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


def test_wrong_method_is_json_405(client: TestClient) -> None:
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert error(response)["code"] == "method_not_allowed"


def test_encoder_failure_is_503(seeded: TestClient, spy) -> None:
    spy.fail = True
    response = seeded.post(URL, json={"enquiry": "reset my password"})
    assert response.status_code == 503
    assert error(response)["code"] == "encoder_unavailable"


def test_unexpected_error_is_500_without_internals(settings, make_spy, monkeypatch) -> None:
    def broken(account: str) -> None:
        raise RuntimeError("secret connection string")

    store = Store.sqlite(settings.store_path)
    monkeypatch.setattr(store.accounts, "get", broken)  # a bug below the service: not a StoreError
    app = create_app(settings, encoder=make_spy(), store=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(URL, json={"enquiry": "reset my password"}, headers=ADMIN)
    store.close()
    assert response.status_code == 500
    assert error(response)["code"] == "internal_error"
    assert "secret" not in response.text
