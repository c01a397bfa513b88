"""Interactions written behind the request: nothing acknowledged is lost, feedback never misses a queued one."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from answerbot.service import FeedbackKind, FeedbackService, InteractionNotFound
from answerbot.service.interaction_log import InteractionLog, interaction_age_s, new_interaction_id
from answerbot.store import Interaction, Store, StoreError, utc_now


@pytest.fixture
def store(tmp_path: Path):
    s = Store.sqlite(tmp_path / "store.sqlite")
    yield s
    s.close()


def record(account: str = "acme", offered: tuple[str, ...] = ("a1", "a2")) -> Interaction:
    now = utc_now()
    return Interaction(account, new_interaction_id(), now, now[:10], "en", offered)


def stored_ids(store: Store, items: list[Interaction]) -> set[str]:
    return {i.interaction_id for i in items if store.interactions.get(i.account, i.interaction_id) is not None}


def test_ids_carry_their_creation_time_and_stay_32_hex_digits() -> None:
    first, second = new_interaction_id(), new_interaction_id()
    assert first != second and len(first) == 32 and int(first, 16) >= 0
    age = interaction_age_s(first)
    assert age is not None and -1 < age < 5
    assert interaction_age_s("0" * 32) > 1e9  # the epoch: an old id
    assert interaction_age_s("not-an-id") is None


def test_queued_interactions_are_written_at_close(store: Store) -> None:
    log = InteractionLog(store, interval_s=60.0)  # the writer would wait a minute to gather a batch
    items = [record() for _ in range(50)]
    for item in items:
        log.add(item)
    assert stored_ids(store, items) == set()  # acknowledged, still queued
    assert log.queued == 50
    log.close()
    assert stored_ids(store, items) == {i.interaction_id for i in items}
    assert log.queued == 0
    with pytest.raises(StoreError, match="shutting down"):
        log.add(record())


def test_batches_are_written_without_close(store: Store) -> None:
    log = InteractionLog(store, batch_max=7)
    items = [record() for _ in range(30)]
    for item in items:
        log.add(item)
    log.flush(timeout_s=30)
    assert stored_ids(store, items) == {i.interaction_id for i in items}
    log.close()


def test_feedback_on_a_queued_interaction_waits_for_it(store: Store) -> None:
    log = InteractionLog(store, interval_s=60.0)
    item = record()
    log.add(item)
    assert store.interactions.get("acme", item.interaction_id) is None
    got = FeedbackService(store, log).record("acme", item.interaction_id, FeedbackKind.RESOLUTION, "a1")
    assert got.interaction_id == item.interaction_id and got.article_id == "a1"
    assert store.interactions.get("acme", item.interaction_id) == item
    log.close()


def test_queued_interactions_keep_their_top_score_and_count_in_the_score_histogram_at_once(store: Store) -> None:
    log = InteractionLog(store, interval_s=60.0)
    scored, unscored = dataclasses.replace(record(), top_score=0.625), record(offered=())
    log.add(scored)
    log.add(unscored)
    dist = FeedbackService(store, log).score_distribution("acme", last=10, bin_width=0.05)
    assert (dist.interactions, dist.unscored) == (2, 1)
    assert [(b.lower, b.interactions) for b in dist.bins] == [(0.6, 1)]
    assert store.interactions.get("acme", scored.interaction_id) == scored
    log.close()


def test_feedback_waits_for_a_recent_interaction_of_another_process(store: Store) -> None:
    """An id this process never queued, but made a moment ago: another process may still be writing it."""
    item = record()
    writer = threading.Timer(0.3, store.interactions.add_many, args=([item],))
    writer.start()
    mine = InteractionLog(store)
    got = FeedbackService(store, mine, wait_s=30.0).record("acme", item.interaction_id, FeedbackKind.REJECTION)
    writer.join()
    assert got.reason == "unknown"


def test_unknown_interactions_are_404(store: Store) -> None:
    service = FeedbackService(store, InteractionLog(store), wait_s=0.2)
    with pytest.raises(InteractionNotFound):
        service.record("acme", "0" * 32, FeedbackKind.REJECTION)  # made in 1970: not worth waiting for
    recent = new_interaction_id()
    with pytest.raises(InteractionNotFound):
        service.record("acme", recent, FeedbackKind.REJECTION)  # recent: waited for, then 404
    # waited until the id was wait_s old by its own clock (ids carry whole milliseconds, so this is the exact bound)
    age = interaction_age_s(recent)
    assert age is not None and age >= 0.2


def test_a_failing_store_refuses_new_interactions_and_keeps_the_queued_ones(store: Store) -> None:
    log = InteractionLog(store)
    with store.db.write("breaking the store") as conn:
        conn.execute(text("ALTER TABLE interactions RENAME TO interactions_away"))
    queued = [record() for _ in range(5)]
    for item in queued:
        log.add(item)
    deadline = time.monotonic() + 30
    refused = None
    while refused is None and time.monotonic() < deadline:  # until the writer has met the failure
        try:
            log.add(extra := record())
            queued.append(extra)
            time.sleep(0.01)
        except StoreError as e:
            refused = e
    assert refused is not None and "cannot be written" in str(refused)
    with store.db.write("repairing the store") as conn:
        conn.execute(text("ALTER TABLE interactions_away RENAME TO interactions"))
    log.flush(timeout_s=30)
    assert stored_ids(store, queued) == {i.interaction_id for i in queued}  # every acknowledged one
    log.add(after := record())  # and it takes new ones again
    log.close()
    assert store.interactions.get("acme", after.interaction_id) == after
