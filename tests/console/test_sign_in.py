"""Signing in: an account key, the admin key (pick or create an account), a wrong key, signing out; the key
stays in the tab's session storage (no cookie); another account's key never shows the first one's articles."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.console.conftest import ACME, ACME_KEY, ADMIN_KEY, NORTHWIND_KEY, Console, check_page, sign_in

SESSION = "answerbot.console.session"


def stored_session(page: Page) -> dict | None:
    value = page.evaluate(f"sessionStorage.getItem({SESSION!r})")
    return None if value is None else json.loads(value)


def test_sign_in_page_passes_the_checks(page: Page) -> None:
    page.goto("/console/")
    expect(page.get_by_label("API key")).to_be_focused()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()  # nobody is signed in yet
    check_page(page, "sign-in")


def test_demo_key_signs_in_to_its_account_without_a_cookie(page: Page) -> None:
    sign_in(page, ACME_KEY)
    expect(page.locator("#who-text")).to_have_text(f"Account {ACME} (account key)")
    assert stored_session(page) == {"key": ACME_KEY, "account": ACME, "admin": False}
    assert page.context.cookies() == []
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto("/console/model")
    expect(page.locator("#model-facts")).to_be_visible()
    api_calls = [r for r in requests if "/v1/" in r.url]
    assert api_calls and all(r.headers.get("x-api-key") == ACME_KEY and "cookie" not in r.headers for r in api_calls)


def test_unknown_key_is_refused_and_nothing_is_stored(page: Page) -> None:
    page.goto("/console/")
    page.get_by_label("API key").fill("not-a-key-0123456789")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-error")).to_have_text("That key is not valid: check it and try again.")
    assert stored_session(page) is None


def test_pages_need_a_session(page: Page) -> None:
    page.goto("/console/articles")
    page.wait_for_url("**/console/?next=articles")
    page.get_by_label("API key").fill(ACME_KEY)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/articles")


def test_admin_key_creates_and_opens_an_account(page: Page, console: Console) -> None:
    page.goto("/console/")
    page.get_by_label("API key").fill(ADMIN_KEY)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Account", exact=True)).to_contain_text(ACME)
    page.get_by_label("New account id").fill("made-in-console")
    page.get_by_role("button", name="Create account").click()
    created = page.locator("#created-account")
    expect(created).to_contain_text("Created account made-in-console. Its API key is shown only now")
    key = created.locator("code").inner_text()
    assert console.services.accounts.authenticate(key).account == "made-in-console"
    page.get_by_role("button", name="Open made-in-console").click()
    page.wait_for_url("**/console/try")
    expect(page.locator("#who-text")).to_have_text("Account made-in-console (admin key)")
    assert stored_session(page) == {"key": ADMIN_KEY, "account": "made-in-console", "admin": True}
    # back on the first page, the admin switches accounts without typing the key again
    page.get_by_role("link", name="answerbot console").click()
    page.get_by_label("Account", exact=True).select_option(ACME)
    page.get_by_role("button", name="Open account").click()
    page.wait_for_url("**/console/try")
    expect(page.locator("#who-text")).to_have_text(f"Account {ACME} (admin key)")


def test_sign_out_forgets_the_key(page: Page) -> None:
    sign_in(page, ACME_KEY)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/console/")
    assert stored_session(page) is None
    page.goto("/console/try")
    page.wait_for_url("**/console/?next=try")


def test_another_accounts_key_cannot_see_the_first_accounts_articles(page: Page, console: Console) -> None:
    console.load_kb(ACME)
    sign_in(page, NORTHWIND_KEY)
    page.goto("/console/articles")
    expect(page.locator("#article-list")).to_have_text("No articles yet: upload a file above.")
    expect(page.locator("#counts")).to_contain_text("0 articles")
    # a session edited to name acme-cloud with northwind's key gets acme-cloud's "not found", and no data
    page.evaluate(f"sessionStorage.setItem({SESSION!r}, JSON.stringify({{key: {NORTHWIND_KEY!r}, account: {ACME!r}}}))")
    page.reload()
    expect(page.get_by_role("alert").filter(has_text="not found")).to_contain_text(f"account '{ACME}' not found")
    expect(page.locator("#articles-table")).to_have_count(0)
    assert "Passwort" not in page.content()
