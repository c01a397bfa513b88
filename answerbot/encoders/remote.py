"""What the TF Serving clients share: the Encoder protocol over a resolved model version, in batches."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["RemoteEncoder"]


class RemoteEncoder:
    """Base of the gRPC and REST clients: subclasses set ``_name``, ``_version``, ``_dim`` and
    ``_batch_size`` in their constructor and implement ``_predict`` for one batch."""

    _name: str
    _version: int
    _dim: int
    _batch_size: int

    @property
    def model_name(self) -> str:
        return self._name

    @property
    def model_version(self) -> str:
        return str(self._version)

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        chunks = [
            self._predict(texts[start : start + self._batch_size]) for start in range(0, len(texts), self._batch_size)
        ]
        return np.concatenate(chunks)

    def _predict(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError
