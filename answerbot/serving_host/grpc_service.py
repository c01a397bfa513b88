"""The generated ``PredictionServiceServicer`` (``Predict``, ``GetModelMetadata``) over a ModelRegistry."""

from __future__ import annotations

from concurrent import futures
from typing import Any

import grpc
import numpy as np
import tensorflow as tf
from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2
from tensorflow_serving.apis import (
    get_model_metadata_pb2,
    predict_pb2,
    prediction_service_pb2_grpc,
)

from answerbot.serving_host.registry import LoadedVersion, ModelRegistry, ServingError

__all__ = ["PredictionServicer", "start_grpc", "to_tensor_proto"]

_MAX_MESSAGE = 64 * 1024 * 1024


def to_tensor_proto(value: np.ndarray) -> tensor_pb2.TensorProto:
    """Like TF Serving's default ``Tensor::AsProtoField``: values in the typed repeated field."""
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in value.shape])
    if value.dtype == np.float32:
        proto = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, tensor_shape=shape)
        proto.float_val.extend(value.ravel().tolist())
        return proto
    if value.dtype == object or value.dtype.kind in "SU":
        items = [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in value.ravel().tolist()]
        return tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, tensor_shape=shape, string_val=items)
    return tf.make_tensor_proto(value)


class PredictionServicer(prediction_service_pb2_grpc.PredictionServiceServicer):
    """Predict and GetModelMetadata as TF Serving answers them; other methods are UNIMPLEMENTED."""

    def __init__(self, registry: ModelRegistry) -> None:
        self.registry = registry

    def _resolve(self, spec: Any) -> LoadedVersion:
        kind = spec.WhichOneof("version_choice")
        return self.registry.resolve(
            spec.name,
            version=spec.version.value if kind == "version" else None,
            label=spec.version_label if kind == "version_label" else None,
        )

    @staticmethod
    def _abort(context: grpc.ServicerContext, error: ServingError) -> None:
        context.abort(getattr(grpc.StatusCode, error.code, grpc.StatusCode.UNKNOWN), error.message)

    def Predict(self, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            loaded = self._resolve(request.model_spec)
            inputs = {k: tf.make_ndarray(v) for k, v in request.inputs.items()}
            signature = request.model_spec.signature_name or "serving_default"
            outputs = self.registry.predict(loaded, signature, inputs)
        except ServingError as e:
            self._abort(context, e)
        wanted = list(request.output_filter) or list(outputs)
        response = predict_pb2.PredictResponse()
        response.model_spec.name = loaded.name
        response.model_spec.version.value = loaded.version
        response.model_spec.signature_name = signature
        for key in wanted:
            if key not in outputs:
                self._abort(context, ServingError("INVALID_ARGUMENT", f"output tensor alias not found: {key}"))
            response.outputs[key].CopyFrom(to_tensor_proto(outputs[key]))
        return response

    def GetModelMetadata(self, request: Any, context: grpc.ServicerContext) -> Any:
        if not request.metadata_field:
            self._abort(
                context, ServingError("INVALID_ARGUMENT", "GetModelMetadataRequest must specify at least one field")
            )
        for name in request.metadata_field:
            if name != "signature_def":
                self._abort(context, ServingError("INVALID_ARGUMENT", f"Metadata field {name} is not supported"))
        try:
            loaded = self._resolve(request.model_spec)
        except ServingError as e:
            self._abort(context, e)
        signatures = get_model_metadata_pb2.SignatureDefMap()
        for key, value in loaded.signature_defs.items():
            signatures.signature_def[key].CopyFrom(value)
        response = get_model_metadata_pb2.GetModelMetadataResponse()
        response.model_spec.name = loaded.name
        response.model_spec.version.value = loaded.version
        response.metadata["signature_def"].Pack(signatures)
        return response


def start_grpc(registry: ModelRegistry, host: str = "127.0.0.1", port: int = 0, workers: int = 8) -> tuple[Any, int]:
    """Start the gRPC server (port 0 picks a free one); return ``(server, port)``. Stop with ``server.stop(0)``."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers),
        options=[("grpc.max_send_message_length", _MAX_MESSAGE), ("grpc.max_receive_message_length", _MAX_MESSAGE)],
    )
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(PredictionServicer(registry), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"cannot bind the gRPC server to {host}:{port}; pick another --port")
    server.start()
    return server, bound
