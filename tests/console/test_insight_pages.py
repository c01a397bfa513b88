"""Threshold, analytics and model pages over an account with a known history of interactions and feedback."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from answerbot.service import FeedbackKind, RejectionReason
from tests.console.conftest import Console, check_page, sign_in


@pytest.fixture
def history(console: Console) -> tuple[str, str, list[float]]:
    """An account with the KB and three tickets: one resolved, one rejected as not related, one unanswered.
    Returns (account, key, the tickets' top scores)."""
    account, key = console.new_account("history", with_kb=True)
    ranking, feedback = console.services.ranking, console.services.feedback
    tickets = ["Ich habe mein Passwort vergessen", "wo ist mein paket", "zzz"]
    recs = [ranking.recommend(account, ticket, 3) for ticket in tickets]
    feedback.record(account, recs[0].interaction_id, FeedbackKind.RESOLUTION, recs[0].articles[0].article_id)
    feedback.record(account, recs[1].interaction_id, FeedbackKind.REJECTION, reason=RejectionReason.NOT_RELATED)
    return account, key, [r.top_score for r in recs]


def test_threshold_page_replays_recent_interactions(page: Page, history) -> None:
    _, key, scores = history
    sign_in(page, key)
    page.get_by_role("link", name="Threshold").click()
    expect(page.locator("#threshold-saved")).to_have_text(
        "Saved threshold: 0.20 (the global default, ANSWERBOT_SCORE_THRESHOLD)"
    )
    offered = sum(s >= 0.2 for s in scores)
    expect(page.locator("#threshold-summary")).to_have_text(
        f"At 0.20: {offered} of 3 recent interactions would have been offered ({round(100 * offered / 3)} %), "
        "1 of them resolved."
    )
    chart = page.get_by_role("img", name="Offered and resolved at each threshold (last 3 interactions)")
    expect(chart.locator("path.stroke-offered")).to_have_count(1)
    page.get_by_label("Score threshold (-1 to 1)").fill("0.99")  # moving the threshold redraws without saving
    expect(page.locator("#threshold-summary")).to_have_text(
        "At 0.99: 0 of 3 recent interactions would have been offered (0 %), 0 of them resolved."
    )
    expect(chart.locator(".threshold-label")).to_have_text("0.99")
    page.get_by_role("button", name="Use the global default").click()
    expect(page.locator("#threshold-status")).to_have_text("Saved: the threshold is now 0.20.")
    page.get_by_text("The same as a table").click()
    expect(page.locator("#threshold-table tbody tr").first).to_be_visible()
    check_page(page, "threshold")


def test_analytics_page_shows_the_days_counts(page: Page, history) -> None:
    _, key, scores = history
    sign_in(page, key)
    page.get_by_role("link", name="Analytics").click()
    today = datetime.now(UTC).date().isoformat()
    offered = sum(s >= 0.2 for s in scores)
    row = page.locator("#analytics-table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text([today, "3", str(offered), str(3 - offered), "1", "1", "0", "0"])
    expect(page.get_by_role("img", name="Attempts per day").locator("rect.fill-offered")).to_have_count(1)
    expect(page.get_by_role("img", name="Feedback per day").locator("rect.fill-rejected")).to_have_count(1)
    page.get_by_label("From (UTC day)").fill("2020-01-01")
    page.get_by_label("To (UTC day)").fill("2020-01-31")
    page.get_by_role("button", name="Show").click()
    expect(row.locator("td")).to_have_text(["No attempts in this range."])
    page.get_by_label("From (UTC day)").fill("2020-02-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("from=2020-02-01 is after to=2020-01-31; swap them")
    page.get_by_label("From (UTC day)").fill(today)
    page.get_by_label("To (UTC day)").fill(today)
    page.get_by_role("button", name="Show").click()
    expect(row.locator("td").first).to_have_text(today)
    check_page(page, "analytics")


def test_model_page_describes_the_served_model(page: Page, console: Console) -> None:
    _, key = console.new_account("model", with_kb=True)
    sign_in(page, key)
    page.get_by_role("link", name="Model").click()
    facts = page.locator("#model-facts dd")
    expect(facts).to_have_text(
        ["answerbot", "1", "de, en", "priority@1", "8", re.compile(r"^\d+ words$"), "128 tokens"]
    )
    expect(page.locator("#stale-facts dd").nth(0)).to_have_text("5")
    expect(page.locator("#stale-facts dd").nth(1)).to_have_text("0")
    check_page(page, "model")
