"""Try a ticket: a German ticket ranks the German article first with its driving words highlighted; raising the
threshold leaves it unoffered with the reason; a label filter that nothing passes says so."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.console.conftest import ACME, ACME_KEY, Console, check_page, sign_in

GERMAN_TICKET = "Ich habe mein Passwort vergessen"


def expect_offered_as_ranked(page: Page, threshold: float) -> None:
    """The outcome badge counts the ranked cards, and every card's score clears the threshold."""
    expect(page.locator("#outcome")).to_have_text(re.compile(r"^Offered [1-9]\d*$"))
    ranked = page.locator("#ranked > li")
    assert page.locator("#outcome").inner_text() == f"Offered {ranked.count()}"
    scores = [float(s) for s in ranked.locator(".meta strong").all_inner_texts()]
    assert len(scores) == ranked.count()
    assert min(scores) >= threshold, scores


def send_ticket(page: Page, text: str, labels: str = "") -> None:
    page.get_by_label("Ticket text (any language)").fill(text)
    page.get_by_label("Labels (optional, comma-separated)").fill(labels)
    page.get_by_role("button", name="Recommend").click()


def test_german_ticket_ranks_the_german_article_first_with_highlighted_words(page: Page, console: Console) -> None:
    console.load_kb(ACME)
    sign_in(page, ACME_KEY)
    send_ticket(page, GERMAN_TICKET)
    ranked = page.locator("#ranked > li")
    expect(ranked.first.get_by_role("heading")).to_have_text("1. Passwort zurücksetzen")
    expect(page.locator("#detected-language")).to_contain_text("Detected language de")
    expect_offered_as_ranked(page, 0.2)
    marks = page.locator("#ticket-highlight mark")
    expect(marks.first).to_be_visible()
    assert "Passwort" in marks.all_inner_texts()
    strong = page.locator("#ticket-highlight mark.strong")
    expect(strong.filter(has_text="Passwort")).to_have_count(1)  # the strongest driver is marked strong
    assert strong.count() < marks.count()
    expect(page.locator("#ticket-highlight")).to_have_text(GERMAN_TICKET)  # highlighting keeps the text whole
    chart = page.get_by_role("img", name="Scores (dense + BM25)")
    expect(chart.locator("line.threshold")).to_have_count(1)
    expect(chart.locator(".threshold-label")).to_have_text("threshold 0.200")
    # another article's words: its button switches the highlighting
    second = ranked.nth(1)
    second.get_by_role("button", name="Highlight its words in the ticket").click()
    expect(second.get_by_role("button", name="Highlight its words in the ticket")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#highlight-heading")).to_contain_text("Reset your password")
    ranked.first.get_by_role("button", name="Highlight its words in the ticket").click()
    check_page(page, "try")


def test_higher_threshold_leaves_the_ticket_unoffered_and_says_why(page: Page, console: Console) -> None:
    account, key = console.new_account("strict", with_kb=True)
    sign_in(page, key)
    send_ticket(page, GERMAN_TICKET)
    expect_offered_as_ranked(page, 0.2)
    page.get_by_role("link", name="Threshold").click()
    page.get_by_label("Score threshold (-1 to 1)").fill("1")
    page.get_by_role("button", name="Save threshold").click()
    expect(page.locator("#threshold-status")).to_have_text("Saved: the threshold is now 1.00.")
    assert console.services.accounts.get(account).score_threshold == 1.0
    page.get_by_role("link", name="Try a ticket").click()
    send_ticket(page, GERMAN_TICKET)
    expect(page.locator("#outcome")).to_have_text("Not offered")
    unoffered = page.locator("#unoffered")
    expect(unoffered).to_contain_text(
        "Nothing offered: the best article, 'passwort' (Passwort zurücksetzen), scored 0."
    )
    expect(unoffered).to_contain_text("below the score threshold 1.000")
    expect(page.get_by_role("img", name="Scores (dense + BM25)").locator("rect.fill-unoffered")).to_have_count(1)
    check_page(page, "try-unoffered")


def test_labels_nothing_has_leave_it_unoffered_as_filtered(page: Page, console: Console) -> None:
    _, key = console.new_account("labels", with_kb=True)
    sign_in(page, key)
    send_ticket(page, GERMAN_TICKET, labels="no-such-label")
    expect(page.locator("#unoffered")).to_have_text(
        "Nothing offered: no article has the label(s) 'no-such-label'; remove the label filter or label the articles"
    )
