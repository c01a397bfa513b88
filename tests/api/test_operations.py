"""Health, readiness, metrics, request ids, body limits, bad bytes, CSV/XLSX upload."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient


def test_readyz(client: TestClient, spy) -> None:
    response = client.get("/readyz", headers={"X-API-Key": ""})
    model = {"name": spy.model_name, "version": spy.model_version}
    assert response.json() == {"status": "ready", "model": model, "articles": 0, "stale_articles": 0}


def test_healthz_does_no_io(client: TestClient, spy) -> None:
    client.app.state.services.store.close()  # a store that cannot answer
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "model": {"name": spy.model_name, "version": spy.model_version}}


def test_metrics_count_requests_batches_and_outcomes(seeded: TestClient) -> None:
    seeded.post("/v1/accounts/acme/recommendations", json={"enquiry": "reset my password"})
    text = seeded.get("/metrics").text
    assert 'answerbot_request_seconds_count{method="POST",route="/v1/accounts/{account}/recommendations"' in text
    assert "answerbot_encoder_batch_size_count 1.0" in text
    assert 'answerbot_recommendations_total{outcome="offered"} 1.0' in text


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id!"}).headers["x-request-id"]
    assert len(made) == 32


def test_body_over_limit_is_413(client: TestClient, settings) -> None:
    body = b'{"enquiry": "' + b"x" * settings.max_request_bytes + b'"}'
    response = client.post(
        "/v1/accounts/acme/recommendations", content=body, headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (413, "payload_too_large")


def test_invalid_utf8_is_4xx(client: TestClient) -> None:
    response = client.put(
        "/v1/accounts/acme/articles/a1",
        content=b'{"title": "\xff\xfe", "body": "B"}',
        headers={"content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert set(response.json()["error"]) == {"code", "message", "field"}


def test_lone_surrogate_and_nul_are_422(client: TestClient) -> None:
    for title in (rb"\ud800", rb"a\u0000b"):
        response = client.put(
            "/v1/accounts/acme/articles/a1",
            content=b'{"title": "' + title + b'", "body": "B"}',
            headers={"content-type": "application/json"},
        )
        assert (response.status_code, response.json()["error"]["field"]) == (422, "body.title")
    assert client.get("/v1/accounts/acme/articles").json()["total"] == 0


def test_csv_upload(client: TestClient) -> None:
    data = "article_id,title,body,locale,labels\npw,Reset,Click reset.,en,login;web\nrf,Refund,Paid in 5 days.,,\n"
    files = {"file": ("kb.csv", data.encode(), "text/csv")}
    response = client.post("/v1/accounts/acme/articles/upload", files=files)
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    article = client.get("/v1/accounts/acme/articles/pw").json()
    assert (article["locale"], article["labels"]) == ("en", ["login", "web"])


def test_csv_with_the_old_id_column_is_read_with_a_deprecation_note(client: TestClient) -> None:
    files = {"file": ("kb.csv", b"id,title,body\npw,Reset,Click reset.\n", "text/csv")}
    body = client.post("/v1/accounts/acme/articles/upload", files=files).json()
    assert body["created"] == 1
    (note,) = body["deprecations"]
    assert "kb.csv: column 'id'" in note and "article_id" in note
    both = {"file": ("kb.csv", b"id,article_id,title,body\nx,x,T,B\n", "text/csv")}
    response = client.post("/v1/accounts/acme/articles/upload", files=both)
    assert response.status_code == 422 and "keep article_id only" in response.json()["error"]["message"]


def test_xlsx_upload(client: TestClient) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["article_id", "title", "body"])
    sheet.append(["pw", "Reset", "Click reset."])
    buffer = io.BytesIO()
    book.save(buffer)
    files = {"file": ("kb.xlsx", buffer.getvalue(), "application/octet-stream")}
    assert client.post("/v1/accounts/acme/articles/upload", files=files).json()["created"] == 1


def test_bad_upload_is_422_and_writes_nothing(client: TestClient) -> None:
    for name, data in [
        ("kb.csv", b"article_id,title\nx,T\n"),
        ("kb.xlsx", b"not a zip"),
        ("kb.txt", b"x"),
        ("kb.csv", b"\xff"),
    ]:
        response = client.post("/v1/accounts/acme/articles/upload", files={"file": (name, data, "text/plain")})
        assert (response.status_code, response.json()["error"]["field"]) == (422, "body.file"), name
    bad_row = b"article_id,title,body\nok,T,B\nbad id,T,B\n"
    response = client.post("/v1/accounts/acme/articles/upload", files={"file": ("kb.csv", bad_row, "text/csv")})
    assert response.status_code == 422
    assert client.get("/v1/accounts/acme/articles").json()["total"] == 0
