"""Browser tests of the console: the real app on uvicorn (a free loopback port, in a thread of this process)
with a tiny English-German model, driven by Debian's Chromium through Playwright (no browser download).

One browser and one server for all of them; each test opens its own browser context (fresh session
storage) and, where it writes, its own account.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from answerbot.api import create_app
from answerbot.service import AccountService, ArticleInput, Services
from answerbot.settings import Settings
from answerbot.store import Store
from tests.console.kb import ARTICLES, train_console_model

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_KEY = "console-test-admin-key-0123456789"
ACME = "acme-cloud"
ACME_KEY = "demo-key-acme-cloud"
NORTHWIND = "northwind-shop"
NORTHWIND_KEY = "demo-key-northwind-shop"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "console-screenshots"
MIN_COLOURS = 24
"""A page screenshot with fewer distinct colours than this counts as blank."""


@dataclass
class Console:
    """The running app: its URL, its services (to set up accounts and articles directly) and settings."""

    url: str
    services: Services
    settings: Settings

    def new_account(self, prefix: str = "acct", hybrid: bool = True, with_kb: bool = False) -> tuple[str, str]:
        """A new account (id, key), optionally holding the test knowledge base."""
        account = f"{prefix}-{uuid.uuid4().hex[:8]}"
        _, key = self.services.accounts.create(account, hybrid=hybrid)
        if with_kb:
            self.load_kb(account)
        return account, key

    def load_kb(self, account: str) -> None:
        articles = [ArticleInput(i, t, b, loc, (lab,)) for i, t, b, loc, lab in ARTICLES]
        self.services.articles.upsert_articles(account, articles)

    def api(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-API-Key": key}, timeout=30)


@pytest.fixture(scope="package")
def console_model(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("console_model")
    train_console_model(root / "run", root / "models")
    return root / "models"


@pytest.fixture(scope="package")
def console(console_model: Path, tmp_path_factory) -> Iterator[Console]:
    from answerbot.encoders.inprocess import SavedModelEncoder

    tmp = tmp_path_factory.mktemp("console_store")
    settings = Settings(
        store_path=tmp / "store.sqlite",
        model_root=console_model,
        admin_key=ADMIN_KEY,
        status_max_age_s=0.0,
        micro_batch_wait_ms=2.0,
    )
    store = Store.sqlite(settings.store_path)
    encoder = SavedModelEncoder.latest(console_model)
    accounts = AccountService(store, settings)
    accounts.create(ACME, hybrid=True, api_key=ACME_KEY)
    accounts.create(NORTHWIND, hybrid=True, api_key=NORTHWIND_KEY)
    app = create_app(settings, encoder=encoder, store=store)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the console's server did not start")
        time.sleep(0.05)
    try:
        yield Console(f"http://127.0.0.1:{port}", app.state.services, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        store.close()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the console's tests. Package scope: Playwright's sync API runs an event loop in this
    thread while it is open, which later tests that call ``asyncio.run`` must not find."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make browser` runs apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, console: Console) -> Iterator[Page]:
    """A page in a fresh context; the test fails on any uncaught script error or refused content (CSP)."""
    context = browser.new_context(base_url=console.url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    context.close()
    assert problems == []


def sign_in(page: Page, key: str, account: str | None = None) -> None:
    """Sign in on the console's first page; with the admin key, open ``account``."""
    page.goto("/console/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    if account is not None:
        page.get_by_label("Account", exact=True).select_option(account)
        page.get_by_role("button", name="Open account").click()
    page.wait_for_url("**/console/try")


@pytest.fixture
def signed_in(page: Page) -> Callable[..., Page]:
    """``signed_in(key)``: the page, signed in with ``key``."""

    def sign(key: str, account: str | None = None) -> Page:
        sign_in(page, key, account)
        return page

    return sign


def check_page(page: Page, name: str, full_page: bool = True) -> Path:
    """Screenshot the page to build/console-screenshots/<name>.png (checked not blank) and run axe-core on it:
    no serious or critical accessibility violation."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert len(colours) >= MIN_COLOURS, f"{path} looks blank ({len(colours)} colours)"
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious
    return path
