"""Per-process caches that stay correct when another process writes: the store's account generations.

Every store write that changes an account, its articles or its active vectors bumps the account's
``generation`` in the same transaction. A ``ChangeWatcher`` reads the generations before a cached answer is
used, at most once per ``max_age_s``: one row (the number of accounts and the sum of their generations), and,
only when that changed, every account's generation, calling ``on_change(account)`` for each one that moved.

The bound: a cached answer is used only while the last reading started less than ``max_age_s`` ago, so a
write committed by any process is seen by every other process at most ``max_age_s`` later (a rotated key
is refused, a new setting applies, an upload is ranked). This process's own writes are seen at once (the
services drop their own entries when they write).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from answerbot.store import Store

__all__ = ["ChangeWatcher"]


class ChangeWatcher:
    """Calls ``on_change(account)`` for every account another process changed, at most ``max_age_s`` late."""

    def __init__(self, store: Store, max_age_s: float, on_change: Callable[[str], None]) -> None:
        self._store = store
        self.max_age_s = max_age_s
        self._on_change = on_change
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._summary: tuple[int, int] | None = None
        self._generations: dict[str, int] | None = None

    def fresh(self) -> bool:
        """Whether cached answers may be used without reading the generations first (no I/O)."""
        checked = self._checked_at
        return checked is not None and time.monotonic() - checked < self.max_age_s

    def check(self) -> None:
        """Read the generations unless ``fresh()``, and drop what changed (StoreError when the store is down)."""
        if self.fresh():
            return
        with self._lock:
            if self.fresh():  # another thread read them while this one waited
                return
            started = time.monotonic()
            summary = self._store.accounts.generations()
            if summary != self._summary:
                generations = self._store.accounts.generation_by_id()
                before = self._generations
                changed = (
                    set(generations)
                    if before is None
                    else {a for a, g in generations.items() if before.get(a) != g} | (set(before) - set(generations))
                )
                for account in sorted(changed):
                    self._on_change(account)
                self._generations = generations
                self._summary = summary
            self._checked_at = started
