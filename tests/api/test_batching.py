"""Micro-batching: N concurrent recommendation requests share fewer encoder calls; the loop never blocks."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from answerbot.encoders.base import EncoderError
from answerbot.service import MicroBatcher


def test_concurrent_requests_share_encoder_calls(seeded: TestClient, spy) -> None:
    app, key = seeded.app, seeded.headers["X-API-Key"]
    n = 16
    enquiries = [f"reset my password number {i}" for i in range(n)]
    before = len(spy.batches)

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", headers={"X-API-Key": key}) as c:
            calls = [c.post("/v1/accounts/acme/recommendations", json={"enquiry": e}) for e in enquiries]
            return await asyncio.gather(*calls)

    responses = seeded.portal.call(run)  # the app's own event loop, where its batcher lives
    assert [r.status_code for r in responses] == [200] * n
    batches = [b for b in spy.batches[before:] if set(b) <= set(enquiries)]
    assert sorted(t for b in batches for t in b) == sorted(enquiries)
    assert len(batches) < n


def test_batcher_results_match_single_encoding(encoder) -> None:
    calls: list[int] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return encoder.encode(texts)

    async def run() -> list[np.ndarray]:
        batcher = MicroBatcher(encode, max_batch=4, max_wait_s=0.01)
        try:
            return await asyncio.gather(*(batcher.encode(f"text {i}") for i in range(10)))
        finally:
            await batcher.close()

    vectors = asyncio.run(run())
    assert sum(calls) == 10 and max(calls) <= 4 and len(calls) < 10
    expected = encoder.encode([f"text {i}" for i in range(10)])
    np.testing.assert_allclose(np.stack(vectors), expected, atol=1e-5)


def test_encoder_runs_off_the_event_loop() -> None:
    loop_thread: list[int] = []
    encode_thread: list[int] = []

    def slow_encode(texts: list[str]) -> np.ndarray:
        encode_thread.append(threading.get_ident())
        time.sleep(0.05)
        return np.zeros((len(texts), 2), dtype=np.float32)

    async def run() -> float:
        loop_thread.append(threading.get_ident())
        batcher = MicroBatcher(slow_encode, max_batch=8, max_wait_s=0.0)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.005)
                ticks += 1

        task = asyncio.create_task(ticker())
        await batcher.encode("x")
        task.cancel()
        await batcher.close()
        return ticks

    assert asyncio.run(run()) >= 3  # the loop kept ticking while the encoder slept
    assert encode_thread[0] != loop_thread[0]


def test_encoder_error_reaches_every_caller_of_the_batch() -> None:
    def broken(texts: list[str]) -> np.ndarray:
        raise RuntimeError("model gone")

    async def run() -> list[object]:
        batcher = MicroBatcher(broken, max_batch=8, max_wait_s=0.01)
        results = await asyncio.gather(*(batcher.encode(str(i)) for i in range(3)), return_exceptions=True)
        await batcher.close()
        return results

    assert all(isinstance(r, RuntimeError) for r in asyncio.run(run()))


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError, match="ANSWERBOT_MICRO_BATCH_MAX"):
        MicroBatcher(lambda texts: np.zeros((0, 1)), max_batch=0)


def test_raising_batch_hook_fails_its_callers_and_the_worker_goes_on() -> None:
    sizes: list[int] = []

    def hook(size: int, seconds: float) -> None:
        sizes.append(size)
        if len(sizes) == 1:
            raise ValueError("metrics broke")

    async def run() -> tuple[list[object], np.ndarray]:
        encode = lambda texts: np.zeros((len(texts), 2), dtype=np.float32)  # noqa: E731
        batcher = MicroBatcher(encode, max_batch=8, max_wait_s=0.0, on_batch=hook)
        try:
            first = await asyncio.wait_for(asyncio.gather(batcher.encode("a"), return_exceptions=True), 5)
            second = await asyncio.wait_for(batcher.encode("b"), 5)
        finally:
            await batcher.close()
        return first, second

    first, second = asyncio.run(run())
    assert isinstance(first[0], EncoderError) and "metrics broke" in str(first[0])
    assert second.shape == (2,) and sizes == [1, 1]
