"""The stand-in batches concurrent requests as ``batching.config`` tells TF Serving to."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import numpy as np
import pytest
from tensorflow_serving.apis import model_pb2, predict_pb2, prediction_service_pb2_grpc

from answerbot.encoders.protos import float_matrix, string_tensor
from answerbot.serving_host.batching import (
    BatchingOptions,
    BatchScheduler,
    load_batching_config,
    merge_inputs,
    parse_batching_config,
)
from answerbot.serving_host.grpc_service import start_grpc
from answerbot.serving_host.registry import ModelRegistry, ServingError

REPO = Path(__file__).resolve().parents[2]
TEXTS = ["forgot password", "where is my order", "", "refund card", "sync broken", "need invoice", "パスワード"]


@pytest.fixture(scope="module")
def registry(tiny_model_root: Path) -> ModelRegistry:
    return ModelRegistry.single("answerbot", tiny_model_root)


@pytest.fixture(scope="module")
def expected(encoder) -> dict[str, np.ndarray]:
    return dict(zip(TEXTS, encoder.encode(TEXTS), strict=True))


def test_the_shipped_batching_config_parses():
    options = load_batching_config(REPO / "serving/batching.config", default_threads=4)
    assert options.max_batch_size == 64 and options.batch_timeout_micros == 2000
    assert options.num_batch_threads == 2 and options.max_enqueued_batches == 100
    assert options.allowed_batch_sizes[-1] == 64 and options.pad_variable_length_inputs is False


def test_fields_left_out_take_tf_servings_defaults():
    options = parse_batching_config("batch_timeout_micros { value: 500 }", default_threads=3)
    assert (options.max_batch_size, options.max_enqueued_batches, options.num_batch_threads) == (1000, 10, 3)
    assert options.padded_size(7) == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max_batch_size { value: 64 } allowed_batch_sizes: [8, 32]", "last entry was 32; expected 64"),
        ("max_batch_size { value: 8 } allowed_batch_sizes: [8, 4]", "must be positive and increasing"),
        ("max_batch_sise { value: 8 }", 'has no field named "max_batch_sise"'),
        ("num_batch_threads { value: 0 }", "num_batch_threads 0 must be at least 1"),
    ],
)
def test_a_bad_config_is_refused_naming_the_field(text, message):
    with pytest.raises(ValueError, match="batching config") as refused:
        parse_batching_config(text)
    assert message in str(refused.value)


def _predict(stub, texts: list[str]) -> np.ndarray:
    request = predict_pb2.PredictRequest(model_spec=model_pb2.ModelSpec(name="answerbot"))
    request.inputs["text"].CopyFrom(string_tensor(texts))
    return float_matrix(stub.Predict(request, timeout=30).outputs["embedding"], "test")


def test_sixteen_concurrent_requests_are_answered_right_in_fewer_model_calls(registry, expected):
    scheduler = BatchScheduler(
        BatchingOptions(max_batch_size=64, batch_timeout_micros=200_000, num_batch_threads=1, allowed_batch_sizes=())
    )
    registry.batching = scheduler
    server, port = start_grpc(registry, "127.0.0.1", 0, workers=32)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    requests = [[TEXTS[(i + j) % len(TEXTS)] for j in range(1 + i % 3)] for i in range(16)]
    start = threading.Barrier(16)

    def call(texts: list[str]) -> np.ndarray:
        start.wait()
        return _predict(stub, texts)

    try:
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(call, requests))
    finally:
        channel.close()
        server.stop(0)
        registry.batching = None
        scheduler.stop()
    for texts, vectors in zip(requests, answers, strict=True):
        assert vectors.shape == (len(texts), 8)
        assert np.abs(vectors - np.stack([expected[t] for t in texts])).max() <= 1e-5
    assert scheduler.stats.tasks == 16
    assert scheduler.stats.batches < 16
    assert scheduler.stats.rows == sum(len(texts) for texts in requests)


def test_batches_are_padded_to_the_allowed_sizes(registry, expected):
    loaded = registry.resolve("answerbot")
    scheduler = BatchScheduler(
        BatchingOptions(max_batch_size=16, batch_timeout_micros=200_000, allowed_batch_sizes=(4, 16))
    )
    start = threading.Barrier(3)

    def call(text: str) -> np.ndarray:
        start.wait()
        return scheduler.run(loaded, "serving_default", {"text": np.array([text.encode()], dtype=object)})["embedding"]

    try:
        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(call, TEXTS[:3]))
    finally:
        scheduler.stop()
    for text, vector in zip(TEXTS[:3], answers, strict=True):
        assert vector.shape == (1, 8) and np.abs(vector[0] - expected[text]).max() <= 1e-5
    assert (scheduler.stats.batches, scheduler.stats.rows, scheduler.stats.padded_rows) == (1, 3, 4)


def test_oversized_task_and_full_queue_are_refused_like_tf_serving(registry):
    loaded = registry.resolve("answerbot")
    scheduler = BatchScheduler(
        BatchingOptions(max_batch_size=2, batch_timeout_micros=10_000_000, max_enqueued_batches=1)
    )
    texts = np.array([b"a", b"b", b"c"], dtype=object)
    try:
        with pytest.raises(ServingError, match="Task size 3 is larger than maximum input batch size 2") as big:
            scheduler.run(loaded, "serving_default", {"text": texts})
        assert big.value.code == "INVALID_ARGUMENT"
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(scheduler.run, loaded, "serving_default", {"text": texts[:1]})  # opens the batch
            while not scheduler.waiting():
                threading.Event().wait(0.01)
            with pytest.raises(ServingError, match="queue to which this task was submitted is full") as full:
                scheduler.run(loaded, "serving_default", {"text": texts[:2]})
            assert full.value.code == "UNAVAILABLE"
            scheduler.stop()  # flushes the open batch
            assert waiting.result(timeout=30)["embedding"].shape == (1, 8)
    finally:
        scheduler.stop()


def test_variable_length_inputs_pad_with_the_first_element_or_refuse():
    tasks = [{"ids": np.array([[5, 6, 7]])}, {"ids": np.array([[8]])}]
    merged = merge_inputs(tasks, padding=1, pad_variable=True)["ids"]
    assert merged.tolist() == [[5, 6, 7], [8, 8, 8], [5, 6, 7]]  # row 2 padded with 8; row 3 pads the batch
    with pytest.raises(ServingError, match=re.escape("padding is turned off. Set pad_variable_length_inputs to true")):
        merge_inputs(tasks, padding=0, pad_variable=False)
