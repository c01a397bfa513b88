"""Micro-batching: concurrent enquiries that arrive within a few milliseconds share one encoder call.

One worker task drains a queue: it takes the oldest waiting text and the others queued behind it, waits for
more until that oldest text has waited ``max_wait_s`` (or the batch holds ``max_batch``), and runs the encoder
in a worker thread, so the event loop never blocks on the model. Texts that arrive while a batch is encoding
form the next batch, which goes out at once when the encoder is free if they already waited ``max_wait_s``.
Whatever goes wrong in a batch (the encoder, or the ``on_batch`` hook) fails that batch's callers with an
EncoderError (the API's 503); the worker carries on with the next batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence

import numpy as np

from answerbot.encoders.base import EncoderError

__all__ = ["MicroBatcher"]

EncodeFn = Callable[[list[str]], np.ndarray]
BatchHook = Callable[[int, float], None]
_Item = tuple[str, "asyncio.Future[np.ndarray]", float]
"""A queued text, its caller's future, and when it was queued (loop time)."""


class MicroBatcher:
    """``await batcher.encode(text)`` returns the text's vector, encoded together with its neighbours in time."""

    def __init__(
        self, encode: EncodeFn, max_batch: int = 32, max_wait_s: float = 0.002, on_batch: BatchHook | None = None
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch={max_batch} must be at least 1 (ANSWERBOT_MICRO_BATCH_MAX)")
        self._encode = encode
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self._on_batch = on_batch
        self._queue: asyncio.Queue[_Item] | None = None
        self._worker: asyncio.Task[None] | None = None

    async def encode(self, text: str) -> np.ndarray:
        """The vector of ``text``; the encoder's exception when its batch failed."""
        return await self._submit(text)

    async def encode_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Vectors of several texts, each queued like a single enquiry."""
        return list(await asyncio.gather(*[self._submit(text) for text in texts]))

    def _submit(self, text: str) -> asyncio.Future[np.ndarray]:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = loop.create_task(self._run(self._queue), name="answerbot-micro-batcher")
        future: asyncio.Future[np.ndarray] = loop.create_future()
        self._queue.put_nowait((text, future, loop.time()))
        return future

    async def close(self) -> None:
        """Stop the worker; waiting callers get CancelledError."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if self._queue is not None:
            while not self._queue.empty():
                _, future, _ = self._queue.get_nowait()
                future.cancel()

    async def _run(self, queue: asyncio.Queue[_Item]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            deadline = batch[0][2] + self.max_wait_s
            while len(batch) < self.max_batch:
                if not queue.empty():
                    batch.append(queue.get_nowait())
                    continue
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(queue.get(), remaining))
                except TimeoutError:
                    break
            live = [(text, future) for text, future, _ in batch if not future.done()]
            if live:
                await self._encode_batch(live)

    async def _encode_batch(self, live: list[tuple[str, asyncio.Future[np.ndarray]]]) -> None:
        started = time.perf_counter()
        try:
            vectors = await asyncio.to_thread(self._encode, [text for text, _ in live])
            if self._on_batch is not None:
                self._on_batch(len(live), time.perf_counter() - started)
            results = list(zip(live, vectors, strict=True))
        except Exception as e:  # every caller of the batch sees the error; the worker goes on
            error = e if isinstance(e, EncoderError) else EncoderError(f"micro-batch of {len(live)} failed: {e!r}")
            for _, future in live:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), vector in results:
            if not future.done():
                future.set_result(vector)
