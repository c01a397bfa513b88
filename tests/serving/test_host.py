"""The stand-in speaks TF Serving's protocols over the exported SavedModels."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import httpx
import numpy as np
import pytest
from tensorflow_serving.apis import get_model_metadata_pb2, model_pb2, predict_pb2, prediction_service_pb2_grpc

from answerbot.encoders.protos import float_matrix, string_tensor
from answerbot.model.export import SIGNATURES, WARMUP_FILE, read_warmup
from answerbot.serving_host.registry import ModelRegistry, parse_models_config, replay_warmup

TEXTS = ["forgot password", "Wo ist meine Bestellung?", "", "パスワード"]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stub(host):
    channel = grpc.insecure_channel(host.grpc_target)
    yield prediction_service_pb2_grpc.PredictionServiceStub(channel)
    channel.close()


def _predict(stub, texts, **spec):
    request = predict_pb2.PredictRequest(model_spec=model_pb2.ModelSpec(name="answerbot", **spec))
    request.inputs["text"].CopyFrom(string_tensor(texts))
    return stub.Predict(request, timeout=10)


@pytest.mark.parametrize(("label", "version"), [("stable", 1), ("canary", 2)])
def test_labels_route_to_their_version(host, stub, label, version):
    response = _predict(stub, TEXTS, version_label=label)
    assert response.model_spec.version.value == version
    expected = host.local(str(version)).encode(TEXTS)
    assert np.abs(float_matrix(response.outputs["embedding"], "test") - expected).max() <= 1e-5


def test_versions_give_different_vectors(stub):
    one = float_matrix(_predict(stub, TEXTS, version={"value": 1}).outputs["embedding"], "v1")
    two = float_matrix(_predict(stub, TEXTS, version={"value": 2}).outputs["embedding"], "v2")
    assert np.abs(one - two).max() > 1e-2


def test_no_version_means_the_latest(stub):
    assert _predict(stub, TEXTS[:1]).model_spec.version.value == 2


@pytest.mark.parametrize("spec", [{"version_label": "beta"}, {"version": {"value": 9}}])
def test_unknown_version_or_label_is_not_found(stub, spec):
    with pytest.raises(grpc.RpcError) as caught:
        _predict(stub, TEXTS[:1], **spec)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_wrong_input_name_is_invalid_argument(stub):
    request = predict_pb2.PredictRequest(model_spec=model_pb2.ModelSpec(name="answerbot"))
    request.inputs["query"].CopyFrom(string_tensor(["x"]))
    with pytest.raises(grpc.RpcError) as caught:
        stub.Predict(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_model_metadata_lists_the_signatures(stub):
    request = get_model_metadata_pb2.GetModelMetadataRequest(
        model_spec=model_pb2.ModelSpec(name="answerbot", version_label="stable"), metadata_field=["signature_def"]
    )
    response = stub.GetModelMetadata(request, timeout=10)
    signatures = get_model_metadata_pb2.SignatureDefMap()
    response.metadata["signature_def"].Unpack(signatures)
    assert response.model_spec.version.value == 1
    assert set(signatures.signature_def) == set(SIGNATURES)
    assert signatures.signature_def["serving_default"].outputs["embedding"].tensor_shape.dim[-1].size == 8


def test_metadata_signature_serves_the_export_metadata(host, stub):
    request = predict_pb2.PredictRequest(model_spec=model_pb2.ModelSpec(name="answerbot", signature_name="metadata"))
    served = json.loads(stub.Predict(request, timeout=10).outputs["metadata"].string_val[0])
    on_disk = json.loads((host.root / "2" / "assets.extra" / "answerbot.json").read_text())
    assert served == on_disk and served["version"] == "2" and len(served["vocab_sha256"]) == 64


def test_article_signature_encodes_title_newline_body(stub):
    request = predict_pb2.PredictRequest(model_spec=model_pb2.ModelSpec(name="answerbot", signature_name="article"))
    request.inputs["title"].CopyFrom(string_tensor(["Reset password"]))
    request.inputs["body"].CopyFrom(string_tensor(["Open the login page"]))
    article = float_matrix(stub.Predict(request, timeout=10).outputs["embedding"], "article")
    text = float_matrix(_predict(stub, ["Reset password\nOpen the login page"]).outputs["embedding"], "text")
    assert np.abs(article - text).max() <= 1e-6


def test_warmup_file_parses_and_every_record_runs(host):
    records = read_warmup(host.root / "1" / "assets.extra" / WARMUP_FILE)
    assert len(records) >= 3
    assert all(r.predict_log.request.model_spec.signature_name in SIGNATURES for r in records)
    assert {len(r.predict_log.request.inputs["text"].string_val) for r in records} >= {1, 8, 32}
    loaded = host.registry.resolve("answerbot", version=1)
    assert replay_warmup(loaded) == len(records)


def test_the_shipped_models_config_parses_with_the_real_proto():
    config = parse_models_config((REPO / "serving" / "models.config").read_text())
    (model,) = config.model_config_list.config
    assert model.name == "answerbot" and model.base_path == "/models/answerbot"
    assert set(model.version_labels) == {"stable", "canary"}


def test_labels_on_unloaded_versions_refuse_to_load(served_root_config):
    with pytest.raises(ValueError, match="version_labels"):
        ModelRegistry.from_config(served_root_config)


@pytest.fixture
def served_root_config(host):
    text = f'''model_config_list {{ config {{ name: "answerbot" base_path: "{host.root}"
      model_version_policy {{ latest {{ num_versions: 1 }} }} version_labels {{ key: "stable" value: 1 }} }} }}'''
    return parse_models_config(text)


# REST


def test_rest_row_format(host):
    body = {"signature_name": "serving_default", "instances": TEXTS}
    answer = httpx.post(f"{host.rest_url}/v1/models/answerbot/labels/stable:predict", json=body).json()
    expected = host.local("1").encode(TEXTS)
    assert np.abs(np.array(answer["predictions"], dtype=np.float32) - expected).max() <= 1e-5


def test_rest_columnar_format_with_named_inputs(host):
    body = {"signature_name": "article", "inputs": {"title": ["a", "b"], "body": ["c", "d"]}}
    answer = httpx.post(f"{host.rest_url}/v1/models/answerbot/versions/2:predict", json=body).json()
    assert np.array(answer["outputs"]).shape == (2, 8)


def test_rest_metadata_and_status(host):
    meta = httpx.get(f"{host.rest_url}/v1/models/answerbot/labels/canary/metadata").json()
    assert meta["model_spec"]["version"] == "2"
    dims = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]["outputs"]["embedding"]
    assert dims["tensor_shape"]["dim"][-1]["size"] == "8"
    status = httpx.get(f"{host.rest_url}/v1/models/answerbot").json()
    assert status["model_version_status"][0]["state"] == "AVAILABLE"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/v1/models/nope:predict", {"instances": ["x"]}, 404),
        ("/v1/models/answerbot/versions/7:predict", {"instances": ["x"]}, 404),
        ("/v1/models/answerbot:predict", {"signature_name": "nope", "instances": ["x"]}, 400),
        ("/v1/models/answerbot:predict", {"texts": ["x"]}, 400),
    ],
)
def test_rest_errors_are_json_with_tf_serving_status(host, path, body, status):
    response = httpx.post(host.rest_url + path, json=body)
    assert response.status_code == status and response.json()["error"]
