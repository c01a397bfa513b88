"""Accounts, interactions, feedback and analytics on both stores (see conftest.py)."""

from __future__ import annotations

import dataclasses

import pytest

from answerbot.store import Account, Duplicate, FeedbackRecord, Interaction

NOW = "2025-01-31T12:00:00.000000Z"


def account(name: str = "acme", key_hash: str | None = "a" * 64) -> Account:
    return Account(name, key_hash, None, False, NOW)


def interaction(iid: str, day: str = "2025-01-31", offered: tuple[str, ...] = ("a1", "a2")) -> Interaction:
    return Interaction("acme", iid, NOW, day, "en", offered)


def feedback(iid: str, kind: str = "rejection", article: str | None = None, reason: str | None = "unknown"):
    return FeedbackRecord("acme", iid, kind, article, None if kind == "resolution" else reason, "2025-01-31", NOW)


def test_account_round_trip_and_key_lookup(store) -> None:
    store.accounts.create(account())
    assert store.accounts.get("acme") == account()
    assert store.accounts.by_key_hash("a" * 64) == account()
    assert store.accounts.by_key_hash("b" * 64) is None
    changed = dataclasses.replace(account(), key_hash="b" * 64, score_threshold=0.5, hybrid=True)
    store.accounts.update(changed)
    assert store.accounts.get("acme") == dataclasses.replace(changed, generation=1)  # an update bumps it
    assert store.accounts.by_key_hash("a" * 64) is None


def test_duplicate_account_and_key_are_refused(store) -> None:
    store.accounts.create(account())
    with pytest.raises(Duplicate):
        store.accounts.create(account())
    with pytest.raises(Duplicate):
        store.accounts.create(account("globex"))  # same key hash
    assert [a.account_id for a in store.accounts.all()] == ["acme"]


def test_interaction_round_trip(store) -> None:
    store.interactions.add(interaction("i1"))
    assert store.interactions.get("acme", "i1") == interaction("i1")
    assert store.interactions.get("globex", "i1") is None


def test_one_resolution_per_interaction(store) -> None:
    store.interactions.add(interaction("i1"))
    store.feedback.add(feedback("i1", "resolution", "a1"))
    with pytest.raises(Duplicate):
        store.feedback.add(feedback("i1", "resolution", "a2"))


def test_feedback_needs_its_interaction(store) -> None:
    with pytest.raises(Exception):  # noqa: B017 - foreign key: StoreError or Duplicate by backend
        store.feedback.add(feedback("missing"))


def test_analytics_counts_per_day(store) -> None:
    store.interactions.add(interaction("i1"))
    store.interactions.add(interaction("i2", offered=()))
    store.interactions.add(interaction("i3"))
    store.interactions.add(interaction("old", day="2025-01-01"))
    store.feedback.add(feedback("i1", "resolution", "a1"))
    store.feedback.add(feedback("i3", reason="not_related", article="a1"))
    store.feedback.add(feedback("i3", reason="not_related", article="a2"))
    days = store.feedback.analytics("acme", "2025-01-02", "2025-01-31")
    assert len(days) == 1
    day = days[0]
    assert (day.day, day.attempts, day.offered, day.unoffered, day.resolutions) == ("2025-01-31", 3, 2, 1, 1)
    assert day.rejections == {"unknown": 0, "not_related": 2, "related_but_did_not_answer": 0}
    assert store.feedback.analytics("globex", "2025-01-01", "2025-12-31") == []
