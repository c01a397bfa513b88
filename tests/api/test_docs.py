"""/docs loads its script and styles from this server (the fastapi-offline package), not a CDN; no ReDoc."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_page_references_only_local_assets(client: TestClient) -> None:
    html = client.get("/docs").text
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(r"url: '([^']+)'", html)
    assert len(urls) == 4  # script, styles, favicon, the OpenAPI document
    assert all(url.startswith("/") for url in urls), urls
    assert "cdn" not in html.lower()
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404


def test_swagger_assets_are_the_real_bundle(client: TestClient) -> None:
    script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert len(script.content) > 500_000 and b"SwaggerUIBundle" in script.content
    assert client.get("/docs/oauth2-redirect").status_code == 200
