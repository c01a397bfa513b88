"""Feedback export: every sharing account, de-duplicated, time-cut; opted-out accounts left out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from answerbot.service.errors import InvalidInput
from answerbot.service.feedback_export import export_feedback, utc_cut
from answerbot.store import Account, FeedbackRecord, Interaction, Store, StoredArticle, content_hash
from tests.store.conftest import postgres_store

T0, T1, T2 = "2026-01-01T10:00:00.000000Z", "2026-01-02T10:00:00.000000Z", "2026-01-03T10:00:00.000000Z"


def article(account: str, article_id: str, title: str) -> StoredArticle:
    body = f"<p>{title} body</p>"
    return StoredArticle(
        account, article_id, title, body, None, (), content_hash(title, body, None, ()), None, None, T0
    )


def feedback(store: Store, account: str, iid: str, at: str, enquiry: str, kind: str, article_id: str) -> None:
    if store.interactions.get(account, iid) is None:
        store.interactions.add(Interaction(account, iid, at, at[:10], "en", (article_id,), 0.5, enquiry))
    reason = None if kind == "resolution" else "not_related"
    store.feedback.add(FeedbackRecord(account, iid, kind, article_id, reason, at[:10], at))


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = Store.sqlite(tmp_path / "store.sqlite") if request.param == "sqlite" else postgres_store()
    for name, shares in (("acme", True), ("private", False)):
        opened.accounts.create(Account(name, None, None, False, T0, share_feedback=shares))
        opened.articles.upsert_many([article(name, "pw", "Reset password"), article(name, "bill", "Invoices")])
    feedback(opened, "acme", "i1", T0, "forgot my password", "resolution", "pw")
    feedback(opened, "acme", "i1", T0, "forgot my password", "rejection", "bill")
    feedback(opened, "acme", "i2", T1, " forgot my password ", "resolution", "pw")  # the same ticket again
    feedback(opened, "acme", "i3", T1, "where is my invoice", "rejection", "pw")
    feedback(opened, "acme", "i4", T2, "invoice please", "resolution", "bill")
    feedback(opened, "acme", "i5", T2, "invoice please", "rejection", "bill")  # the resolution wins
    feedback(opened, "private", "p1", T1, "forgot my password", "resolution", "pw")
    yield opened
    if request.param == "postgres":
        opened.drop_schema()
    opened.close()


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_writes_pairs_and_negatives_without_duplicates(store: Store, tmp_path: Path) -> None:
    counts = export_feedback(store, tmp_path / "fb.jsonl")
    got = [(r["kind"], r["query"], r["doc_key"]) for r in read(tmp_path / "fb.jsonl")]
    assert got == [
        ("rejected", "forgot my password", "acme/bill"),
        ("resolved", "forgot my password", "acme/pw"),
        ("rejected", "where is my invoice", "acme/pw"),
        ("resolved", "invoice please", "acme/bill"),
    ]
    assert (counts.resolved, counts.rejected, counts.duplicates, counts.conflicting_rejections) == (2, 2, 1, 1)
    assert read(tmp_path / "fb.jsonl")[1]["document"] == "Reset password\nReset password body"


def test_opted_out_accounts_are_left_out(store: Store, tmp_path: Path) -> None:
    counts = export_feedback(store, tmp_path / "fb.jsonl")
    assert {r["group"] for r in read(tmp_path / "fb.jsonl")} == {"acme"}
    assert counts.opted_out_accounts == 1


def test_time_cut_keeps_after_inclusive_before_exclusive(store: Store, tmp_path: Path) -> None:
    export_feedback(store, tmp_path / "fb.jsonl", after="2026-01-02T10:00:00Z", before="2026-01-03T10:00:00+00:00")
    assert [r["interaction_id"] for r in read(tmp_path / "fb.jsonl")] == ["i2", "i3"]


def test_a_deleted_article_is_skipped(store: Store, tmp_path: Path) -> None:
    store.articles.delete("acme", "bill")
    counts = export_feedback(store, tmp_path / "fb.jsonl")
    assert counts.missing_articles == 2
    assert all(r["doc_key"] != "acme/bill" for r in read(tmp_path / "fb.jsonl"))


def test_bad_cut_names_the_option() -> None:
    with pytest.raises(InvalidInput, match="after='yesterday'"):
        utc_cut("yesterday", "after")
    assert utc_cut("2026-01-02", "after") == "2026-01-02T00:00:00.000000Z"
