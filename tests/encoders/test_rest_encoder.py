"""The REST client gives the in-process vectors through TF Serving's REST format."""

from __future__ import annotations

import socket
import time

import numpy as np
import pytest

from answerbot.encoders.base import Encoder, EncoderError
from answerbot.encoders.rest import RestEncoder
from answerbot.model.export import read_metadata

TEXTS = ["forgot password", "Wo ist meine Bestellung?", "", "パスワードを忘れた"]


def test_rest_vectors_equal_in_process_vectors(host):
    client = RestEncoder(host.rest_url, label="stable", batch_size=3)
    try:
        assert isinstance(client, Encoder)
        assert (client.model_version, client.dim) == ("1", 8)
        assert client.metadata["vocab_sha256"] == read_metadata(host.root / "1")["vocab_sha256"]
        expected = host.local("1").encode(TEXTS)
        assert np.abs(client.encode(TEXTS) - expected).max() <= 1e-5
    finally:
        client.close()


def test_rest_latest_and_pinned_version(host):
    assert RestEncoder(host.rest_url).model_version == "2"
    assert RestEncoder(host.rest_url, version=1).model_version == "1"


def test_rest_unknown_model_names_the_fix(host):
    with pytest.raises(EncoderError, match=r"HTTP 404.*ANSWERBOT_SERVING_MODEL_NAME"):
        RestEncoder(host.rest_url, model_name="nope")


def test_rest_server_down_gives_a_clear_timely_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(EncoderError, match=r"unreachable after 2 attempt.*ANSWERBOT_SERVING_REST_URL"):
        RestEncoder(f"http://127.0.0.1:{port}", timeout_s=1.0, retries=1, backoff_s=0.05)
    assert time.monotonic() - started < 5.0
