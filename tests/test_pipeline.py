"""Reading ahead and writing behind (the re-encoding job's overlap of store work and encoding)."""

from __future__ import annotations

import threading
import time

import pytest

from answerbot.service.pipeline import WriteBehind, read_ahead


def test_read_ahead_yields_every_item_in_order_and_fetches_on_another_thread() -> None:
    threads: list[str] = []

    def items():
        for n in range(5):
            threads.append(threading.current_thread().name)
            yield n

    assert list(read_ahead(items())) == [0, 1, 2, 3, 4]
    assert set(threads) == {"answerbot-read-ahead"}


def test_read_ahead_raises_the_producers_error_after_the_items_before_it() -> None:
    def items():
        yield 1
        raise ValueError("store down")

    got = []
    with pytest.raises(ValueError, match="store down"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1]


def test_read_ahead_stops_fetching_when_the_consumer_stops() -> None:
    fetched = []

    def items():
        for n in range(1000):
            fetched.append(n)
            yield n

    for item in read_ahead(items(), depth=2):
        if item == 3:
            break
    assert len(fetched) <= 3 + 2 + 2  # what was consumed, queued, and one being put


def test_write_behind_runs_in_order_on_one_thread_and_reports_each_write() -> None:
    ran: list[int] = []
    done: list[int] = []
    with WriteBehind(ahead=2, on_done=done.append) as writer:
        for n in range(10):
            writer.submit(lambda n=n: (time.sleep(0.001), ran.append(n)), size=n)
    assert ran == list(range(10)) and done == list(range(10))


def test_write_behind_raises_a_failed_write_and_skips_the_rest() -> None:
    ran: list[int] = []

    def write(n: int) -> None:
        if n == 2:
            raise RuntimeError("disk full")
        ran.append(n)

    with pytest.raises(RuntimeError, match="disk full"), WriteBehind(ahead=1) as writer:
        for n in range(20):
            writer.submit(write, n)
    assert ran[:2] == [0, 1] and len(ran) < 20
