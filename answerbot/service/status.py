"""How far the store is from the served model: article and stale-article counts, re-read at most every few seconds.

"Stale" articles lack a vector of the served model version made from their current content: the
``answerbot reencode --only-stale`` job encodes them (the API never does); meanwhile their accounts are
ranked with their active version.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from answerbot.store import Store

__all__ = ["StoreStatus", "StoreStatusReader"]


@dataclass(frozen=True)
class StoreStatus:
    """Articles of all accounts, and how many of them lack a vector of ``model_version``."""

    model_version: str
    articles: int
    stale: int


class StoreStatusReader:
    """Counts articles and stale articles; keeps the answer ``max_age_s`` so probes and scrapes stay cheap."""

    def __init__(self, store: Store, model_version: str, max_age_s: float = 10.0) -> None:
        self._store = store
        self._version = model_version
        self._max_age_s = max_age_s
        self._lock = threading.Lock()
        self._last: tuple[float, StoreStatus] | None = None

    def read(self) -> StoreStatus:
        """The counts, at most ``max_age_s`` old (StoreError when the store cannot answer)."""
        with self._lock:
            if self._last is not None and time.monotonic() - self._last[0] < self._max_age_s:
                return self._last[1]
        status = StoreStatus(
            self._version, self._store.articles.count(), self._store.vectors.count_pending(self._version)
        )
        with self._lock:
            self._last = (time.monotonic(), status)
        return status
