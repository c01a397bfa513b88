"""/docs renders in the browser with every request beyond this machine blocked."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, Route, expect

from tests.console.conftest import Console


def block_the_network(page: Page) -> list[str]:
    """Abort every request that leaves the loopback address; returns the list of what was blocked."""
    blocked: list[str] = []

    def route(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return blocked


def test_swagger_ui_renders_every_operation_offline(page: Page, console: Console) -> None:
    blocked = block_the_network(page)
    page.goto("/docs")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    paths = {p["path"] for p in _operations(console)}
    expect(operations).to_have_count(len(_operations(console)))
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert {text.replace("\u200b", "") for text in summaries} == paths
    assert blocked == []  # nothing even tried to leave the machine


def _operations(console: Console) -> list[dict]:
    with console.api("") as client:
        schema = client.get("/openapi.json").json()
    return [{"path": path, "method": method} for path, item in schema["paths"].items() for method in item]
