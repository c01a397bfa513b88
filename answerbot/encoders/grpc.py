"""TF Serving over gRPC: ``PredictionService`` stub, one channel reused, deadline and retries.

At construction the client asks ``GetModelMetadata`` which version the model spec resolves to and
the output dimension, and reads the answerbot metadata through the ``metadata`` signature. Every
``Predict`` response must come from that version: when a label or "latest" moves to another
version the client refuses to mix vectors and asks for a restart (which re-encodes stale vectors).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from answerbot.encoders.base import EncoderError
from answerbot.encoders.remote import RemoteEncoder

__all__ = ["GrpcEncoder"]

log = logging.getLogger(__name__)

_MAX_MESSAGE = 64 * 1024 * 1024


class GrpcEncoder(RemoteEncoder):
    """Encodes texts with a model hosted by TF Serving, over gRPC."""

    def __init__(
        self,
        target: str,
        model_name: str = "answerbot",
        version: int | None = None,
        label: str | None = None,
        deadline_s: float = 5.0,
        retries: int = 2,
        backoff_s: float = 0.1,
        batch_size: int = 256,
        signature: str = "serving_default",
    ) -> None:
        import grpc
        from tensorflow_serving.apis import prediction_service_pb2_grpc

        if version is not None and label is not None:
            raise EncoderError(f"version={version} and label={label!r}: give one of them, not both")
        self.target = target
        self._name, self._pin_version, self._label = model_name, version, label
        self._signature = signature
        self._deadline_s, self._retries, self._backoff_s = deadline_s, retries, backoff_s
        self._batch_size = batch_size
        self._grpc = grpc
        self._channel = grpc.insecure_channel(
            target,
            options=[
                ("grpc.max_send_message_length", _MAX_MESSAGE),
                ("grpc.max_receive_message_length", _MAX_MESSAGE),
                ("grpc.initial_reconnect_backoff_ms", 100),
                ("grpc.min_reconnect_backoff_ms", 100),
                ("grpc.max_reconnect_backoff_ms", 2000),
            ],
        )
        self._stub = prediction_service_pb2_grpc.PredictionServiceStub(self._channel)
        self._version, self._dim = self._resolve()
        self.metadata: dict[str, Any] = {"name": model_name, "version": str(self._version), "dim": self._dim}
        self.metadata.update(self._read_metadata())

    def close(self) -> None:
        """Close the channel; the encoder is unusable afterwards."""
        self._channel.close()

    # internals

    def _spec(self, signature: str) -> Any:
        from tensorflow_serving.apis import model_pb2

        spec = model_pb2.ModelSpec(name=self._name, signature_name=signature)
        if self._pin_version is not None:
            spec.version.value = self._pin_version
        elif self._label is not None:
            spec.version_label = self._label
        return spec

    def _describe(self) -> str:
        if self._pin_version is not None:
            return f"model {self._name!r} version {self._pin_version}"
        if self._label is not None:
            return f"model {self._name!r} label {self._label!r}"
        return f"model {self._name!r} (latest version)"

    def _call(self, method: str, request: Any) -> Any:
        grpc = self._grpc
        retryable = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}
        attempts = self._retries + 1
        for attempt in range(attempts):
            try:
                # fail fast while the channel is down (no queueing until reconnect); the channel itself keeps
                # reconnecting in the background (backoff <= 2 s), so calls succeed again once the server is back.
                # Worst case per call: attempts x deadline_s plus the backoff sleeps.
                return getattr(self._stub, method)(request, timeout=self._deadline_s, wait_for_ready=False)
            except grpc.RpcError as e:
                code = e.code()
                if code in retryable and attempt + 1 < attempts:
                    time.sleep(self._backoff_s * 2**attempt)
                    continue
                raise EncoderError(self._explain(method, code, e.details(), attempt + 1)) from e
        raise AssertionError("unreachable")  # pragma: no cover

    def _explain(self, method: str, code: Any, details: str | None, attempts: int) -> str:
        grpc = self._grpc
        head = f"TF Serving gRPC {method} at {self.target} for {self._describe()}"
        if code == grpc.StatusCode.UNAVAILABLE:
            return (
                f"{head}: server unavailable after {attempts} attempt(s) ({details}); check that "
                "tensorflow_model_server runs with its gRPC --port open and that ANSWERBOT_SERVING_GRPC_TARGET "
                f"(now {self.target!r}) points at it"
            )
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            return (
                f"{head}: no answer within {self._deadline_s}s after {attempts} attempt(s); check the server's "
                "load and batching, or raise ANSWERBOT_SERVING_DEADLINE_S"
            )
        if code == grpc.StatusCode.NOT_FOUND:
            return (
                f"{head}: not found ({details}); check models.config (name, model_version_policy, version_labels) "
                "and ANSWERBOT_SERVING_MODEL_NAME / _VERSION / _LABEL"
            )
        return f"{head}: {code.name} ({details})"

    def _resolve(self) -> tuple[int, int]:
        from tensorflow_serving.apis import get_model_metadata_pb2

        request = get_model_metadata_pb2.GetModelMetadataRequest(
            model_spec=self._spec(self._signature), metadata_field=["signature_def"]
        )
        response = self._call("GetModelMetadata", request)
        signatures = get_model_metadata_pb2.SignatureDefMap()
        response.metadata["signature_def"].Unpack(signatures)
        if self._signature not in signatures.signature_def:
            raise EncoderError(
                f"{self._describe()} at {self.target} has no signature {self._signature!r} "
                f"(it has {sorted(signatures.signature_def)}); re-export it with `answerbot export`"
            )
        from answerbot.encoders.protos import output_dim

        return response.model_spec.version.value, output_dim(signatures.signature_def[self._signature])

    def _read_metadata(self) -> dict[str, Any]:
        from tensorflow_serving.apis import predict_pb2

        from answerbot.encoders.protos import parse_metadata_json, string_scalar

        request = predict_pb2.PredictRequest(model_spec=self._spec("metadata"))
        try:
            response = self._call("Predict", request)
        except EncoderError as e:
            log.warning("model metadata unavailable (%s); checks use the signature only", e)
            return {}
        return parse_metadata_json(string_scalar(response.outputs["metadata"]), f"{self._describe()}")

    def _predict(self, texts: Sequence[str]) -> np.ndarray:
        from tensorflow_serving.apis import predict_pb2

        from answerbot.encoders.protos import float_matrix, string_tensor

        request = predict_pb2.PredictRequest(model_spec=self._spec(self._signature))
        request.inputs["text"].CopyFrom(string_tensor(list(texts)))
        response = self._call("Predict", request)
        served = response.model_spec.version.value
        if response.model_spec.HasField("version") and served != self._version:
            raise EncoderError(
                f"{self._describe()} at {self.target} now serves version {served}, not {self._version} as at start; "
                "restart the API so it re-encodes the stored vectors with the new version"
            )
        if "embedding" not in response.outputs:
            raise EncoderError(f"{self._describe()}: response has no 'embedding' output; re-export the model")
        vectors = float_matrix(response.outputs["embedding"], f"{self._describe()} at {self.target}")
        if vectors.shape != (len(texts), self._dim):
            raise EncoderError(
                f"{self._describe()}: got vectors of shape {vectors.shape} for {len(texts)} texts; expected dim "
                f"{self._dim}"
            )
        return vectors
