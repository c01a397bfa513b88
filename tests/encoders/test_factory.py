"""Settings pick the encoder: in-process by default, TF Serving over gRPC or REST."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from answerbot.encoders.base import EncoderError
from answerbot.encoders.factory import build_encoder
from answerbot.encoders.grpc import GrpcEncoder
from answerbot.encoders.inprocess import SavedModelEncoder
from answerbot.encoders.rest import RestEncoder
from answerbot.settings import Settings


def test_default_is_in_process(tiny_model_root):
    encoder = build_encoder(Settings(model_root=tiny_model_root))
    assert isinstance(encoder, SavedModelEncoder) and encoder.model_version == "1"


def test_grpc_and_rest_follow_the_serving_settings(host):
    grpc_encoder = build_encoder(
        Settings(encoder="grpc", serving_grpc_target=host.grpc_target, serving_model_label="stable")
    )
    rest_encoder = build_encoder(Settings(encoder="rest", serving_rest_url=host.rest_url, serving_model_version=2))
    assert isinstance(grpc_encoder, GrpcEncoder) and grpc_encoder.model_version == "1"
    assert isinstance(rest_encoder, RestEncoder) and rest_encoder.model_version == "2"
    grpc_encoder.close()
    rest_encoder.close()


def test_unknown_encoder_kind_is_refused():
    with pytest.raises(ValidationError, match="encoder"):
        Settings(encoder="onnx")


def test_version_and_label_together_are_refused():
    with pytest.raises(ValidationError, match="ANSWERBOT_SERVING_MODEL_VERSION or ANSWERBOT_SERVING_MODEL_LABEL"):
        Settings(serving_model_version=1, serving_model_label="stable")


def test_labels_need_tf_serving(tiny_model_root):
    with pytest.raises(EncoderError, match="labels need TF Serving"):
        build_encoder(Settings(model_root=tiny_model_root, serving_model_label="stable"))
