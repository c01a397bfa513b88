"""Keyboard only: sign in, try a ticket, switch highlighting, open and close an article, reach every page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.console.conftest import Console, sign_in

MAX_TABS = 40


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches ``selector`` (fails after MAX_TABS presses)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_sign_in_and_try_a_ticket_with_the_keyboard_only(page: Page, console: Console) -> None:
    _, key = console.new_account("keys", with_kb=True)
    page.goto("/console/")
    page.keyboard.press("Shift+Tab")  # away from the autofocused field, then back to it from the page
    tab_to(page, "#api-key")
    page.keyboard.type(key)
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/try")

    tab_to(page, "#ticket")
    page.keyboard.type("Ich habe mein Passwort vergessen")
    tab_to(page, "#try-submit")
    page.keyboard.press("Enter")
    expect(page.locator("#ranked > li").first.get_by_role("heading")).to_have_text("1. Passwort zurücksetzen")
    expect(page.locator("#ticket-highlight mark").first).to_be_visible()
    tab_to(page, "#ranked > li:nth-child(2) button.highlight")
    page.keyboard.press("Enter")
    expect(page.locator("#ranked > li:nth-child(2)")).to_have_class("selected")
    page.keyboard.press("Control+Enter")  # from the ticket field Ctrl+Enter sends again; elsewhere it does nothing
    tab_to(page, "#ticket")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#ranked > li").first).to_have_class("selected")

    tab_to(page, "a[href$='/console/articles']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/articles")
    tab_to(page, "button[aria-label='View passwort']")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Passwort zurücksetzen")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("button[aria-label='View passwort']")).to_be_focused()  # focus returns to the opener


def test_skip_link_moves_focus_to_the_content(page: Page, console: Console) -> None:
    _, key = console.new_account("skip")
    sign_in(page, key)
    page.goto("/console/model")
    expect(page.locator("#model-facts")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
