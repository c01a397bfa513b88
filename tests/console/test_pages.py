"""The console's pages and files as the server sends them (no browser): every page, its security headers, and
every module a script imports exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from answerbot.console.pages import PAGES
from answerbot.console.router import SECURITY_HEADERS, STATIC_DIR
from tests.console.conftest import Console


@pytest.fixture
def client(console: Console) -> Iterator[httpx.Client]:
    """A plain HTTP client of the console's server."""
    with httpx.Client(base_url=console.url, timeout=30) as plain:
        yield plain


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_every_page_is_served_with_a_strict_content_security_policy(client: httpx.Client, slug: str) -> None:
    response = client.get(f"/console/{slug}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "script-src 'self';" in response.headers["content-security-policy"]  # no inline script can run
    html = response.text
    assert f"<h1>{PAGES[slug].title}</h1>" in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script
    assert re.findall(r"\son[a-z]+=", html) == []  # no inline event handler
    assert client.get("/console").text == client.get("/console/").text


def test_unknown_page_is_404(client: httpx.Client) -> None:
    response = client.get("/console/nope")
    assert response.status_code == 404 and "open /console/" in response.json()["error"]["message"]


def test_static_files_carry_the_headers_and_types(client: httpx.Client) -> None:
    script = client.get("/console/static/js/main.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    assert client.get("/console/static/console.css").headers["content-type"].startswith("text/css")
    assert client.get("/console/static/js/missing.js").status_code == 404


def test_every_imported_module_exists() -> None:
    scripts = sorted(STATIC_DIR.glob("js/**/*.js"))
    assert len(scripts) >= 10
    for script in scripts:
        for target in re.findall(r"""(?:from|import\()\s*["'](\.[^"']+)["']""", script.read_text()):
            assert (script.parent / target).resolve().is_file(), f"{script.name} imports {target}"
    for page in PAGES.values():
        assert (STATIC_DIR / "js" / "pages" / f"{page.slug or 'signin'}.js").is_file()


def test_no_script_writes_html_except_the_sanitised_article_body() -> None:
    """Text goes into the page as text: innerHTML is used once, for the API's nh3-sanitised article body."""
    uses = [
        (script.name, line.strip())
        for script in STATIC_DIR.glob("js/**/*.js")
        for line in script.read_text().splitlines()
        if re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", line)
    ]
    assert uses == [("articles.js", "template.innerHTML = article.html;")]


def test_the_readme_picture_is_served(client: httpx.Client) -> None:
    picture = Path(STATIC_DIR / "img" / "try-a-ticket.png")
    assert picture.is_file() and picture.stat().st_size < 200_000
    assert client.get("/console/static/img/try-a-ticket.png").headers["content-type"] == "image/png"
