"""Server-side batching across requests, as ``tensorflow_model_server --enable_batching`` does it.

Concurrent Predict calls on one signature of one model version queue as tasks; a batch closes when
the next task would not fit in ``max_batch_size`` or when its oldest task has waited
``batch_timeout_micros``, and one of ``num_batch_threads`` threads runs it: the tasks' inputs are
concatenated along the 0th dimension, padded up to the smallest ``allowed_batch_sizes`` entry (by
repeating the first row, as TF Serving does), run once, and the outputs are sliced back to each task.
Inputs whose other dimensions differ are padded with their first element when
``pad_variable_length_inputs`` is set, and refuse to batch otherwise. A task larger than
``max_batch_size`` is INVALID_ARGUMENT; more than ``max_enqueued_batches`` waiting batches of a
queue is UNAVAILABLE, with TF Serving's wording. Signatures without inputs and empty tasks run directly.

``batching.config`` is parsed with the ``tensorflow.serving.BatchingParameters`` message (built here
from its field list, since the ``tensorflow-serving-api`` wheel does not ship it), so unknown fields
fail the way they fail in TF Serving.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format, wrappers_pb2

from answerbot.serving_host.registry import LoadedVersion, ServingError

__all__ = [
    "BatchScheduler",
    "BatchStats",
    "BatchingOptions",
    "load_batching_config",
    "merge_inputs",
    "parse_batching_config",
]

# TF Serving's defaults for fields the file leaves out (SharedBatchScheduler::QueueOptions).
_DEFAULT_MAX_BATCH_SIZE = 1000
_DEFAULT_MAX_ENQUEUED_BATCHES = 10


def _batching_parameters_class() -> Any:
    """``tensorflow.serving.BatchingParameters`` (session_bundle_config.proto) as a message class."""
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(wrappers_pb2.DESCRIPTOR.serialized_pb)
    proto = descriptor_pb2.FileDescriptorProto(
        name="answerbot/batching_parameters.proto",
        package="tensorflow.serving",
        syntax="proto3",
        dependency=["google/protobuf/wrappers.proto"],
    )
    message = proto.message_type.add(name="BatchingParameters")
    label = descriptor_pb2.FieldDescriptorProto
    for number, (name, wrapper) in enumerate(
        [
            ("max_batch_size", "Int64Value"),
            ("batch_timeout_micros", "Int64Value"),
            ("max_enqueued_batches", "Int64Value"),
            ("num_batch_threads", "Int64Value"),
            ("thread_pool_name", "StringValue"),
        ],
        start=1,
    ):
        message.field.add(name=name, number=number, type=label.TYPE_MESSAGE, type_name=f".google.protobuf.{wrapper}")
    message.field.add(name="allowed_batch_sizes", number=6, type=label.TYPE_INT64, label=label.LABEL_REPEATED)
    message.field.add(name="pad_variable_length_inputs", number=7, type=label.TYPE_BOOL)
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("tensorflow.serving.BatchingParameters"))


BatchingParameters = _batching_parameters_class()


@dataclass(frozen=True)
class BatchingOptions:
    """The settings of ``batching.config``, with TF Serving's defaults for the fields it leaves out."""

    max_batch_size: int = _DEFAULT_MAX_BATCH_SIZE
    batch_timeout_micros: int = 0
    max_enqueued_batches: int = _DEFAULT_MAX_ENQUEUED_BATCHES
    num_batch_threads: int = 1
    allowed_batch_sizes: tuple[int, ...] = ()
    pad_variable_length_inputs: bool = False

    def __post_init__(self) -> None:
        for name in ("max_batch_size", "max_enqueued_batches", "num_batch_threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"batching config: {name} {getattr(self, name)} must be at least 1")
        if self.batch_timeout_micros < 0:
            raise ValueError(f"batching config: batch_timeout_micros {self.batch_timeout_micros} must be >= 0")
        sizes = self.allowed_batch_sizes
        if any(b <= a for a, b in itertools.pairwise(sizes)) or (sizes and sizes[0] < 1):
            raise ValueError(f"batching config: allowed_batch_sizes {list(sizes)} must be positive and increasing")
        if sizes and sizes[-1] != self.max_batch_size:
            raise ValueError(
                f"batching config: the last entry in allowed_batch_sizes must match max_batch_size; last entry "
                f"was {sizes[-1]}; expected {self.max_batch_size}"
            )

    def padded_size(self, size: int) -> int:
        """The smallest allowed batch size that holds ``size`` rows (``size`` itself without a list)."""
        return next((allowed for allowed in self.allowed_batch_sizes if allowed >= size), size)


def parse_batching_config(text: str, default_threads: int = 1) -> BatchingOptions:
    """A ``batching.config`` (text ``BatchingParameters``); ``ValueError`` names what is wrong."""
    try:
        params = text_format.Parse(text, BatchingParameters())
    except text_format.ParseError as e:
        raise ValueError(f"batching config: {e}") from e

    def value(name: str, default: int) -> int:
        return int(getattr(params, name).value) if params.HasField(name) else default

    return BatchingOptions(
        max_batch_size=value("max_batch_size", _DEFAULT_MAX_BATCH_SIZE),
        batch_timeout_micros=value("batch_timeout_micros", 0),
        max_enqueued_batches=value("max_enqueued_batches", _DEFAULT_MAX_ENQUEUED_BATCHES),
        num_batch_threads=value("num_batch_threads", default_threads),
        allowed_batch_sizes=tuple(int(s) for s in params.allowed_batch_sizes),
        pad_variable_length_inputs=bool(params.pad_variable_length_inputs),
    )


@dataclass
class _Task:
    inputs: dict[str, np.ndarray]
    size: int
    enqueued: float
    future: Future[dict[str, np.ndarray]] = field(default_factory=Future)


@dataclass
class _Queue:
    """The tasks of one (model, version, signature): closed batches waiting for a thread, and the open one."""

    loaded: LoadedVersion
    signature: str
    closed: deque[list[_Task]] = field(default_factory=deque)
    open: list[_Task] = field(default_factory=list)

    @property
    def open_size(self) -> int:
        return sum(task.size for task in self.open)

    def oldest(self) -> float:
        """When the oldest waiting task was enqueued (inf when none waits)."""
        if self.closed:
            return self.closed[0][0].enqueued
        return self.open[0].enqueued if self.open else float("inf")


@dataclass
class BatchStats:
    """What the scheduler ran: batches (model calls), tasks (requests), rows before and after padding."""

    batches: int = 0
    tasks: int = 0
    rows: int = 0
    padded_rows: int = 0


class BatchScheduler:
    """Merges concurrent signature runs into batches; ``run`` blocks its caller until its slice is back."""

    def __init__(self, options: BatchingOptions) -> None:
        self.options = options
        self.stats = BatchStats()
        self._queues: dict[tuple[str, int, str], _Queue] = {}
        self._lock = threading.Condition()
        self._stopped = False
        self._threads = [
            threading.Thread(target=self._work, name=f"batch-thread-{i}", daemon=True)
            for i in range(options.num_batch_threads)
        ]
        for thread in self._threads:
            thread.start()

    def run(self, loaded: LoadedVersion, signature: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Run ``signature`` of ``loaded`` on ``inputs``, batched with concurrent calls on the same signature."""
        loaded.check_inputs(signature, inputs)
        size = _batch_size(inputs)
        if size == 0:
            return loaded.run(signature, inputs)
        if size > self.options.max_batch_size:
            raise ServingError(
                "INVALID_ARGUMENT",
                f"Task size {size} is larger than maximum input batch size {self.options.max_batch_size}",
            )
        task = _Task(inputs, size, time.monotonic())
        with self._lock:
            if self._stopped:
                raise ServingError("UNAVAILABLE", "the batch scheduler is shutting down")
            key = (loaded.name, loaded.version, signature)
            queue = self._queues.setdefault(key, _Queue(loaded, signature))
            if not queue.open or queue.open_size + size > self.options.max_batch_size:  # needs a new batch
                if len(queue.closed) + bool(queue.open) >= self.options.max_enqueued_batches:
                    raise ServingError(
                        "UNAVAILABLE", "The batch scheduling queue to which this task was submitted is full"
                    )
                if queue.open:
                    queue.closed.append(queue.open)
                    queue.open = []
            queue.open.append(task)
            if queue.open_size == self.options.max_batch_size:
                queue.closed.append(queue.open)
                queue.open = []
            self._lock.notify()
        return task.future.result()

    def waiting(self) -> int:
        """Tasks queued and not yet taken by a batch thread."""
        with self._lock:
            return sum(len(q.open) + sum(map(len, q.closed)) for q in self._queues.values())

    def stop(self) -> None:
        """Finish the batches already queued, then stop the threads."""
        with self._lock:
            self._stopped = True
            self._lock.notify_all()
        for thread in self._threads:
            thread.join(timeout=30)

    def _next_batch(self) -> tuple[_Queue, list[_Task]] | None:
        """Under the lock: the longest-waiting batch that is closed or past its timeout (or, once stopping,
        any open batch), else None."""
        timeout = 0.0 if self._stopped else self.options.batch_timeout_micros / 1e6
        now = time.monotonic()
        ready = [q for q in self._queues.values() if q.closed or (q.open and now - q.open[0].enqueued >= timeout)]
        if not ready:
            return None
        queue = min(ready, key=_Queue.oldest)
        if queue.closed:
            return queue, queue.closed.popleft()
        batch, queue.open = queue.open, []
        return queue, batch

    def _wait_s(self) -> float | None:
        """Under the lock: how long until the first open batch times out (None: nothing open)."""
        opened = [q.open[0].enqueued for q in self._queues.values() if q.open]
        if not opened:
            return None
        return max(min(opened) + self.options.batch_timeout_micros / 1e6 - time.monotonic(), 0.0)

    def _work(self) -> None:
        while True:
            with self._lock:
                taken = self._next_batch()
                while taken is None:
                    if self._stopped:
                        return
                    self._lock.wait(self._wait_s())
                    taken = self._next_batch()
            self._process(*taken)

    def _process(self, queue: _Queue, tasks: list[_Task]) -> None:
        rows = sum(task.size for task in tasks)
        padded = self.options.padded_size(rows)
        try:
            inputs = [task.inputs for task in tasks]
            merged = merge_inputs(inputs, padded - rows, self.options.pad_variable_length_inputs)
            outputs = queue.loaded.run(queue.signature, merged)
            for name, value in outputs.items():
                if value.ndim == 0 or value.shape[0] != padded:
                    message = f"batched output tensor {name} has 0th dimension {value.shape[:1]}; expected {padded}"
                    raise ServingError("INTERNAL", message)
        except Exception as e:  # every task of the batch gets the batch's error
            for task in tasks:
                task.future.set_exception(e)
            return
        with self._lock:
            self.stats.batches += 1
            self.stats.tasks += len(tasks)
            self.stats.rows += rows
            self.stats.padded_rows += padded
        start = 0
        for task in tasks:
            task.future.set_result({k: v[start : start + task.size] for k, v in outputs.items()})
            start += task.size


def _batch_size(inputs: dict[str, np.ndarray]) -> int:
    """The common 0th dimension of a task's inputs (TF Serving's checks and wording)."""
    if not inputs:
        return 0
    sizes = set()
    for value in inputs.values():
        if value.ndim == 0:
            raise ServingError("INVALID_ARGUMENT", "Batching Run() input tensors must have at least one dimension")
        sizes.add(value.shape[0])
    if len(sizes) > 1:
        raise ServingError("INVALID_ARGUMENT", "Batching Run() input tensors must have equal 0th-dimension size")
    return sizes.pop()


def _pad_to(value: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` padded at the end of dimensions 1.. to ``shape``, with its first element (TF Serving's rule)."""
    widths = [(0, 0)] + [(0, want - have) for have, want in zip(value.shape[1:], shape[1:], strict=True)]
    return np.pad(value, widths, mode="constant", constant_values=value.flat[0])


def merge_inputs(tasks: list[dict[str, np.ndarray]], padding: int, pad_variable: bool) -> dict[str, np.ndarray]:
    """Concatenate the tasks' inputs along dimension 0, then append ``padding`` copies of the first row."""
    merged = {}
    for name in tasks[0]:
        values = [task[name] for task in tasks]
        shapes = {value.shape[1:] for value in values}
        if len(shapes) > 1:
            if not pad_variable:
                raise ServingError(
                    "INVALID_ARGUMENT",
                    f"Tensors with name '{name}' from different tasks have different shapes and padding is turned "
                    "off. Set pad_variable_length_inputs to true, or ensure that all tensors with the same name "
                    "have equal dimensions starting with the first dim.",
                )
            widest = tuple(max(dims) for dims in zip(*shapes, strict=True))
            values = [_pad_to(value, (0, *widest)) for value in values]
        batch = np.concatenate(values, axis=0)
        if padding:
            batch = np.concatenate([batch, np.repeat(batch[:1], padding, axis=0)], axis=0)
        merged[name] = batch
    return merged


def load_batching_config(path: Path, default_threads: int) -> BatchingOptions:
    """``parse_batching_config`` of a file; the error names the file."""
    try:
        return parse_batching_config(Path(path).read_text(encoding="utf-8"), default_threads)
    except (OSError, ValueError) as e:
        raise ValueError(f"{path}: {e}") from e
