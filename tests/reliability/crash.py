"""SIGKILL a bulk writer (``tests.reliability.bulk_writer``) mid-way, reopen the store and check it.

Consistent means: every acknowledged batch is there, whole, with vectors; every batch present is whole
(all-or-nothing); the ``last`` article names a whole batch no older than the last acknowledged one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from answerbot.store import Store
from tests.reliability.bulk_writer import ACCOUNT, BATCH, DIM, article_ids
from tests.reliability.harness import REPO

__all__ = ["CrashRound", "check_store", "crash_rounds"]


@dataclass(frozen=True)
class CrashRound:
    """One kill: batches acknowledged so far, batches found whole after reopening, and the writer's runtime."""

    acknowledged: int
    present: int
    writer_seconds: float


def _acked(ack: Path) -> list[int]:
    text = ack.read_text() if ack.exists() else ""
    return [int(line) for line in text.split("\n")[:-1] if line]  # only newline-terminated lines


def check_store(store: Store, acked: list[int]) -> int:
    """Assert the store is consistent with the acknowledgements; returns the highest batch present."""
    articles = []
    offset = 0
    while page := store.articles.list(ACCOUNT, 1000, offset):
        articles.extend(page)
        offset += len(page)
    by_batch = Counter(a.article_id.split("-")[0] for a in articles if a.article_id != "last")
    torn = {b: n for b, n in by_batch.items() if n != BATCH}
    assert not torn, f"half-written batches (batch: articles present, expected {BATCH}): {torn}"
    present = sorted(int(b[1:]) for b in by_batch)
    missing = sorted(set(acked) - set(present))
    assert not missing, f"acknowledged batches missing after the crash: {missing}"
    assert all(a.vector is not None and a.vector.shape == (DIM,) and a.model_version == "1" for a in articles)
    assert store.vectors.count_pending("1", account=ACCOUNT) == 0
    assert store.articles.count(ACCOUNT) == len(articles) == BATCH * len(present) + (1 if present else 0)
    if present:
        last = store.articles.get(ACCOUNT, "last")
        assert last is not None
        n = int(last.body.split()[-1])
        assert n in present and n >= max(acked, default=-1) and n == present[-1], (n, present[-3:])
        ids = {a.article_id for a in articles}
        assert set(article_ids(n)) <= ids
    return present[-1] if present else -1


def crash_rounds(
    writer_args: list[str], open_store: Callable[[], Store], work: Path, rounds: int, seed: int = 0
) -> list[CrashRound]:
    """``rounds`` times: start the writer, let it acknowledge a few batches, SIGKILL it, reopen and check."""
    rng = random.Random(seed)
    ack = work / "acks.txt"
    results: list[CrashRound] = []
    start = 0
    for _ in range(rounds):
        before = len(_acked(ack))
        target = before + rng.randint(2, 6)
        log = (work / "writer.log").open("ab")
        command = [sys.executable, "-m", "tests.reliability.bulk_writer", *writer_args, "--ack", str(ack)]
        started = time.monotonic()
        proc = subprocess.Popen([*command, "--start", str(start)], cwd=REPO, stdout=log, stderr=log)
        log.close()
        try:
            deadline = time.monotonic() + 120
            while len(_acked(ack)) < target:
                assert proc.poll() is None, f"writer exited with {proc.returncode}: {(work / 'writer.log').read_text()}"
                assert time.monotonic() < deadline, "writer acknowledged too few batches within 120 s"
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.03))  # land somewhere inside the next batch
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        store = open_store()
        try:
            acked = _acked(ack)
            highest = check_store(store, acked)
        finally:
            store.close()
        results.append(CrashRound(len(acked), highest + 1, time.monotonic() - started))
        start = highest + 1
    return results
