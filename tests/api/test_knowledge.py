"""What the console's knowledge-base page calls: list filters, counts, the sanitised preview, upload errors by row."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

URL = "/v1/accounts/acme"


def ids(client: TestClient, **params: object) -> list[str]:
    response = client.get(f"{URL}/articles", params=params)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return [a["article_id"] for a in page["items"]]


def test_list_filters_by_text_locale_and_labels(seeded: TestClient) -> None:
    assert ids(seeded, q="REFUND") == ["refund"]  # title or body, any case
    assert ids(seeded, q="billing page") == ["invoice"]
    assert ids(seeded, locale="de") == ["shipping"]
    assert ids(seeded, labels=["b", "x"]) == ["invoice"]
    assert ids(seeded, q="", locale="en") == ["refund"]
    assert ids(seeded, q="nothing like it") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"locale": "not a locale"}, "query.locale"),
        ({"q": "x" * 201}, "query.q"),
        ({"q": "a\x00b"}, "query.q"),
        ({"labels": ["ok", "a\x00b"]}, "query.labels.1"),
        ({"labels": ["x" * 65]}, "query.labels.0"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(seeded: TestClient, params: dict, field: str) -> None:
    response = seeded.get(f"{URL}/articles", params=params)
    assert (response.status_code, response.json()["error"]["field"]) == (422, field)


def test_counts_per_locale_and_label(seeded: TestClient) -> None:
    response = seeded.get(f"{URL}/article-counts")
    assert response.status_code == 200
    assert response.json() == {
        "account": "acme",
        "total": 5,
        "stale": 0,
        "locales": [
            {"locale": None, "articles": 3},
            {"locale": "de", "articles": 1},
            {"locale": "en", "articles": 1},
        ],
        "labels": [{"label": "b", "articles": 1}],
    }


def test_preview_sanitises_the_body(client: TestClient) -> None:
    body = (
        '<p onclick="steal()">Reset <b>it</b></p><script>window.__pwned = 1</script>'
        '<img src=x onerror="window.__pwned = 2"><a href="javascript:alert(1)">js</a><a href="https://example.org">ok</a>'
    )
    client.put(f"{URL}/articles/xss", json={"title": "T", "body": body})
    preview = client.get(f"{URL}/articles/xss/preview").json()
    assert preview["html"] == (
        '<p>Reset <b>it</b></p><a rel="noopener noreferrer">js</a>'
        '<a href="https://example.org" rel="noopener noreferrer">ok</a>'
    )
    assert client.get(f"{URL}/articles/xss").json()["body"] == body  # stored as sent
    missing = client.get(f"{URL}/articles/nope/preview")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "article_not_found")


def upload(client: TestClient, name: str, data: bytes):
    return client.post(f"{URL}/articles/upload", files={"file": (name, data, "text/csv")})


def test_upload_error_names_the_row_and_column(client: TestClient) -> None:
    data = b"article_id,title,body\nok,T,B\n\nblank, ,B\n"  # row 3 is empty and skipped; row 4 is at fault
    response = upload(client, "kb.csv", data)
    error = response.json()["error"]
    assert (response.status_code, error["field"]) == (422, "body.file.rows.4.title")
    assert error["message"].startswith("file.rows.4.title: kb.csv row 4 (article_id 'blank'), column title: ")
    assert "title is empty" in error["message"]
    assert client.get(f"{URL}/articles").json()["total"] == 0


def test_upload_duplicate_and_bad_id_name_their_rows(client: TestClient) -> None:
    duplicate = upload(client, "kb.csv", b"article_id,title,body\na,T,B\nb,T,B\na,T,B\n").json()["error"]
    assert duplicate["field"] == "body.file.rows.4.article_id" and "appears twice" in duplicate["message"]
    bad_id = upload(client, "kb.csv", b"article_id,title,body\nbad id,T,B\n").json()["error"]
    assert bad_id["field"] == "body.file.rows.2.article_id"


def test_upload_over_the_bulk_limit_names_the_file(client: TestClient, settings) -> None:
    rows = "".join(f"a{i},T,B\n" for i in range(settings.max_bulk_articles + 1))
    response = upload(client, "kb.csv", f"article_id,title,body\n{rows}".encode())
    assert (response.status_code, response.json()["error"]["field"]) == (413, "body.file")
