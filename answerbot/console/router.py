"""Serve the console: each page's HTML under ``/console`` and the static files under ``/console/static``.

Every console response carries a strict Content-Security-Policy: scripts, styles and images only from this
origin, no inline script, no frames. Article bodies are sanitised by the API before the console shows
them; the policy is the second line of defence.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from answerbot.console.pages import PAGES, SIGN_IN, page_html

__all__ = ["CONSOLE_PATH", "SECURITY_HEADERS", "install_console"]

CONSOLE_PATH = "/console"
STATIC_DIR = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class _SecureStatic(StaticFiles):
    """Static files with the console's security headers."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


router = APIRouter(prefix=CONSOLE_PATH, include_in_schema=False)


def _html(slug: str) -> HTMLResponse:
    page = PAGES.get(slug)
    if page is None:
        raise HTTPException(404, f"no console page {slug!r}; open {CONSOLE_PATH}/")
    return HTMLResponse(page_html(CONSOLE_PATH, page), headers=SECURITY_HEADERS)


@router.get("")
@router.get("/")
def sign_in() -> HTMLResponse:
    """The sign-in page (paste an API key)."""
    return _html(SIGN_IN.slug)


@router.get("/{slug}")
def page(slug: str) -> HTMLResponse:
    """One console page."""
    return _html(slug)


def install_console(app: FastAPI) -> None:
    """Mount the console on ``app``: pages under ``/console``, files under ``/console/static``."""
    app.mount(f"{CONSOLE_PATH}/static", _SecureStatic(directory=STATIC_DIR), name="console-static")
    app.include_router(router)
