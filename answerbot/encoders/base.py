"""The one protocol every text encoder implements (in-process SavedModel, TF Serving gRPC/REST)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Encoder", "EncoderError"]


class EncoderError(RuntimeError):
    """The encoder could not turn texts into vectors (model missing, server down, bad output)."""


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors of one model version."""

    @property
    def model_name(self) -> str: ...

    @property
    def model_version(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape [len(texts), dim]; each row has unit L2 norm."""
        ...
