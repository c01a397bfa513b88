"""Interaction records written behind the request path: a bounded queue and one writer thread per process.

The durability rule:

- A recommendation's interaction is queued before the response is sent (``add``); one thread writes what is
  queued in one transaction, at most every ``interval_s`` (10 ms): at most that much later than the response
  under a steady load, and one wake-up of the writer per interval instead of one per request.
- A failed batch is retried, the same records in the same order (idempotent), until it is written. Meanwhile,
  and while ``max_queued`` records wait, ``add`` refuses with StoreError (503 + Retry-After): no request is
  acknowledged whose interaction could not be queued for a working store.
- ``close()`` (the API's shutdown, on SIGTERM or Ctrl-C) writes everything queued before it returns, retrying
  for up to ``close_timeout_s``.
- A process killed without a shutdown (SIGKILL, power loss) loses what it had queued: the interactions of its
  last moments (the batch being written and those queued behind it).
- ``wait(account, interaction_id)``: feedback on an interaction still queued in this process waits until it is
  written. Interaction ids start with their creation time in milliseconds (``new_interaction_id``), so feedback
  that reaches another process can tell a recent id (worth waiting for) from an unknown one (404).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque

from answerbot.store import Interaction, Store, StoreError

__all__ = ["InteractionLog", "interaction_age_s", "new_interaction_id"]

log = logging.getLogger(__name__)

_INTERVAL_S = 0.01
_RETRY_FIRST_S = 0.05
_RETRY_MAX_S = 1.0
_ID_TIME_HEX = 12


def new_interaction_id() -> str:
    """32 hex digits: the creation time (ms since the epoch, 12 digits), then 80 random bits."""
    return f"{int(time.time() * 1000):0{_ID_TIME_HEX}x}{secrets.token_hex(10)}"


def interaction_age_s(interaction_id: str) -> float | None:
    """Seconds since ``interaction_id`` was made by ``new_interaction_id``; None when it is not such an id."""
    if len(interaction_id) != 32:
        return None
    try:
        created_ms = int(interaction_id[:_ID_TIME_HEX], 16)
    except ValueError:
        return None
    return time.time() - created_ms / 1000


class InteractionLog:
    """``add`` queues an interaction; a thread (started on first use) writes queued ones in batches."""

    def __init__(
        self,
        store: Store,
        max_queued: int = 10_000,
        batch_max: int = 500,
        close_timeout_s: float = 30.0,
        interval_s: float = _INTERVAL_S,
    ) -> None:
        self._store = store
        self.interval_s = interval_s
        self.max_queued = max_queued
        self.batch_max = batch_max
        self.close_timeout_s = close_timeout_s
        self._cond = threading.Condition()
        self._queue: deque[tuple[int, Interaction]] = deque()
        self._pending: dict[tuple[str, str], int] = {}
        self._added = 0
        self._written = 0
        self._failure: Exception | None = None
        self._closing = False
        self._idle = False
        self._hurry = False
        """Someone waits for the queue to be written: write without waiting for the interval."""
        self._thread: threading.Thread | None = None

    @property
    def queued(self) -> int:
        """Interactions added but not yet written."""
        with self._cond:
            return self._added - self._written

    def add(self, interaction: Interaction) -> None:
        """Queue ``interaction``; StoreError when the store is failing, the queue is full or the log is closed."""
        with self._cond:
            if self._closing:
                raise StoreError("the service is shutting down; interactions are no longer taken")
            if self._failure is not None:
                raise StoreError(f"interactions cannot be written: {self._failure}")
            if self._added - self._written >= self.max_queued:
                raise StoreError(
                    f"{self.max_queued} interactions are waiting to be written (ANSWERBOT_INTERACTION_QUEUE_MAX); "
                    "the store is too slow"
                )
            self._added += 1
            self._queue.append((self._added, interaction))
            self._pending[(interaction.account, interaction.interaction_id)] = self._added
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="answerbot-interactions", daemon=True)
                self._thread.start()
            if self._idle:  # the writer sleeps on an empty queue; otherwise it comes back by itself
                self._cond.notify()

    def wait(self, account: str, interaction_id: str, timeout_s: float) -> None:
        """Return once the interaction is written if this process queued it (at once otherwise).

        StoreError when it is still queued after ``timeout_s`` (the store is failing).
        """
        with self._cond:
            seq = self._pending.get((account, interaction_id))
            if seq is None:
                return
            self._hurry = True  # no need to wait for the interval
            self._cond.notify_all()
            if not self._cond.wait_for(lambda: self._written >= seq, timeout_s):
                raise StoreError(f"interaction {interaction_id!r} is not written yet: {self._failure or 'store slow'}")

    def flush(self, timeout_s: float) -> None:
        """Return once everything queued so far is written; StoreError after ``timeout_s``."""
        with self._cond:
            target = self._added
            self._hurry = True
            self._cond.notify_all()
            if not self._cond.wait_for(lambda: self._written >= target, timeout_s):
                raise StoreError(f"{target - self._written} interactions are not written yet: {self._failure}")

    def close(self) -> None:
        """Refuse new interactions and write the queued ones (retrying up to ``close_timeout_s``)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(self.close_timeout_s + 5)
        with self._cond:
            if self._queue:
                log.error("%d interactions could not be written before shutdown (%s)", len(self._queue), self._failure)

    def _run(self) -> None:
        retry_s = _RETRY_FIRST_S
        deadline: float | None = None
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._idle = True
                    self._cond.wait()
                    self._idle = False
                if not self._queue:
                    return
                self._cond.wait_for(  # let a batch gather, unless someone waits for it
                    lambda: self._hurry or self._closing or len(self._queue) >= self.batch_max, self.interval_s
                )
                if self._closing and deadline is None:
                    deadline = time.monotonic() + self.close_timeout_s
                batch = [self._queue[i] for i in range(min(self.batch_max, len(self._queue)))]
            try:
                self._store.interactions.add_many([interaction for _, interaction in batch])
            except Exception as e:  # the store is down or failing: keep the batch, retry
                with self._cond:
                    first = self._failure is None
                    self._failure = e
                    if deadline is not None and time.monotonic() > deadline:
                        return
                    self._cond.wait(retry_s)
                if first:
                    log.error("writing %d interactions failed, retrying until the store answers: %s", len(batch), e)
                retry_s = min(retry_s * 2, _RETRY_MAX_S)
                continue
            with self._cond:
                for _ in batch:
                    _, interaction = self._queue.popleft()
                    del self._pending[(interaction.account, interaction.interaction_id)]
                if self._failure is not None:
                    log.warning("interactions are written again")
                self._failure = None
                self._hurry = self._hurry and bool(self._queue)  # hurried until what was waited for is written
                self._written = batch[-1][0]
                self._cond.notify_all()
            retry_s = _RETRY_FIRST_S
