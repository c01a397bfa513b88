"""The gRPC client gives the in-process vectors, follows labels, and fails clearly when the server is down."""

from __future__ import annotations

import socket
import time
from concurrent import futures

import grpc
import numpy as np
import pytest
from tensorflow_serving.apis import prediction_service_pb2_grpc

from answerbot.encoders.base import Encoder, EncoderError
from answerbot.encoders.grpc import GrpcEncoder
from answerbot.model.export import read_metadata

TEXTS = ["forgot password", "Where is my ORDER?", "", "words never seen", "刷新页面", "refund card " * 50]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def stable(host):
    client = GrpcEncoder(host.grpc_target, label="stable", batch_size=4)
    yield client
    client.close()


def test_grpc_vectors_equal_in_process_vectors(host, stable):
    assert isinstance(stable, Encoder)
    vectors = stable.encode(TEXTS)  # batch_size=4: two requests
    expected = host.local("1").encode(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), 8)
    assert np.abs(vectors - expected).max() <= 1e-5


def test_grpc_client_reads_the_served_metadata(host, stable):
    assert (stable.model_name, stable.model_version, stable.dim) == ("answerbot", "1", 8)
    assert stable.metadata["vocab_sha256"] == read_metadata(host.root / "1")["vocab_sha256"]


@pytest.mark.parametrize(("spec", "version"), [({"label": "canary"}, "2"), ({"version": 1}, "1"), ({}, "2")])
def test_model_spec_selects_the_version(host, spec, version):
    client = GrpcEncoder(host.grpc_target, **spec)
    try:
        assert client.model_version == version
        expected = host.local(version).encode(TEXTS[:2])
        assert np.abs(client.encode(TEXTS[:2]) - expected).max() <= 1e-5
    finally:
        client.close()


def test_empty_input_needs_no_call(stable):
    assert stable.encode([]).shape == (0, 8)


def test_unknown_label_names_the_fix(host):
    with pytest.raises(EncoderError, match=r"label 'beta'.*not found.*models\.config"):
        GrpcEncoder(host.grpc_target, label="beta")


def test_server_down_gives_a_clear_timely_error():
    target = f"127.0.0.1:{_free_port()}"
    started = time.monotonic()
    with pytest.raises(EncoderError, match=rf"{target}.*unavailable after 3 attempt.*ANSWERBOT_SERVING_GRPC_TARGET"):
        GrpcEncoder(target, deadline_s=1.0, retries=2, backoff_s=0.05)
    assert time.monotonic() - started < 5.0


class _Slow(prediction_service_pb2_grpc.PredictionServiceServicer):
    def GetModelMetadata(self, request, context):
        time.sleep(1.0)
        context.abort(grpc.StatusCode.INTERNAL, "too late")


def test_slow_server_hits_the_deadline_and_is_retried():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(_Slow(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        started = time.monotonic()
        with pytest.raises(EncoderError, match=r"no answer within 0\.2s after 2 attempt"):
            GrpcEncoder(f"127.0.0.1:{port}", deadline_s=0.2, retries=1, backoff_s=0.01)
        assert time.monotonic() - started < 2.0
    finally:
        server.stop(0)
