"""TensorProto helpers for the TF Serving clients, built by hand (no ``tf.make_tensor_proto``).

The protos come from ``tensorflow-serving-api``; importing them still loads the TensorFlow package
(the tensor protos live inside it), so import this module lazily.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2

from answerbot.encoders.base import EncoderError

__all__ = ["float_matrix", "output_dim", "parse_metadata_json", "string_scalar", "string_tensor"]


def string_tensor(texts: Sequence[str]) -> tensor_pb2.TensorProto:
    """A ``DT_STRING`` tensor of shape ``[len(texts)]`` (UTF-8)."""
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=len(texts))])
    return tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING, tensor_shape=shape, string_val=[t.encode("utf-8") for t in texts]
    )


def float_matrix(proto: tensor_pb2.TensorProto, where: str) -> np.ndarray:
    """A ``DT_FLOAT`` rank-2 tensor as a float32 array (``tensor_content`` or ``float_val``)."""
    if proto.dtype != types_pb2.DT_FLOAT:
        raise EncoderError(f"{where}: output dtype {types_pb2.DataType.Name(proto.dtype)}; expected DT_FLOAT")
    shape = [d.size for d in proto.tensor_shape.dim]
    if len(shape) != 2:
        raise EncoderError(f"{where}: output shape {shape}; expected [batch, dim]")
    if proto.tensor_content:
        values = np.frombuffer(proto.tensor_content, dtype="<f4")
    else:
        values = np.asarray(proto.float_val, dtype=np.float32)
    if values.size != shape[0] * shape[1]:
        raise EncoderError(f"{where}: {values.size} values for shape {shape}; the response is corrupt")
    return values.astype(np.float32).reshape(shape)


def string_scalar(proto: tensor_pb2.TensorProto) -> str:
    """The one string of a scalar ``DT_STRING`` tensor."""
    if proto.dtype != types_pb2.DT_STRING or len(proto.string_val) != 1:
        raise EncoderError("metadata output: expected one string")
    return proto.string_val[0].decode("utf-8")


def output_dim(signature: Any, output: str = "embedding") -> int:
    """The last dimension of ``output`` in a ``SignatureDef`` proto (or its JSON dict)."""
    if isinstance(signature, dict):
        dims = signature["outputs"][output]["tensor_shape"]["dim"]
        size = int(dims[-1]["size"])
    else:
        size = signature.outputs[output].tensor_shape.dim[-1].size
    if size < 1:
        raise EncoderError(f"signature output {output!r}: unknown last dimension {size}; re-export the model")
    return size


def parse_metadata_json(text: str, where: str) -> dict[str, Any]:
    """The answerbot metadata JSON object served by the ``metadata`` signature."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise EncoderError(f"{where}: metadata is not JSON ({e}); re-export the model") from e
    if not isinstance(value, dict):
        raise EncoderError(f"{where}: metadata is not a JSON object; re-export the model")
    return value
