"""Overlap a job's store I/O with its encoding: pages are read one ahead and written behind, each on a thread.

The encoder (TensorFlow, or a remote model server) and the store drivers release the GIL while they work, so
a page can be read and the previous one written while the current one is encoded: the job then takes about
as long as its encoding, not encoding plus store.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["WriteBehind", "read_ahead"]

T = TypeVar("T")
_POLL_S = 0.1


def read_ahead(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """The items of ``items``, while a thread already fetches the next ``depth``; its exceptions are raised here."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                box.put(message, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as e:  # handed to the consumer
            put(("error", e))

    thread = threading.Thread(target=produce, name="answerbot-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join()


class WriteBehind:
    """Runs writes one at a time, in order, on a thread of its own; at most ``ahead`` wait behind the running one.

    ``submit`` blocks while ``ahead`` writes wait (so memory stays bounded) and raises the first failed write's
    exception; leaving the ``with`` block waits for every write (and raises a failure) unless it is left by an
    exception, which cancels the writes not yet started.
    """

    def __init__(self, ahead: int = 2, on_done: Callable[[int], None] | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answerbot-write-behind")
        self._futures: deque[tuple[Future[object], int]] = deque()
        self._ahead = ahead
        self._on_done = on_done

    def submit(self, fn: Callable[..., object], *args: Any, size: int = 0) -> None:
        """Queue ``fn(*args)``; ``on_done(size)`` is called (on the caller's thread) once it has run."""
        self._futures.append((self._pool.submit(fn, *args), size))
        while len(self._futures) > self._ahead:
            self._finish_oldest()

    def _finish_oldest(self) -> None:
        future, size = self._futures.popleft()
        future.result()
        if self._on_done is not None:
            self._on_done(size)

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                while self._futures:
                    self._finish_oldest()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
