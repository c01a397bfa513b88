"""The embedded default: load an exported SavedModel and run it in this process."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.encoders.base import EncoderError

__all__ = ["SavedModelEncoder", "latest_version_dir"]


def latest_version_dir(model_root: Path) -> Path:
    """The highest numeric version folder under ``model_root``."""
    versions = sorted((int(p.name), p) for p in Path(model_root).glob("*") if p.is_dir() and p.name.isdigit())
    if not versions:
        raise EncoderError(
            f"model_root={model_root}: no numeric version folder; build one with `answerbot export` "
            "(or `make run`, which builds the demo model)"
        )
    return versions[-1][1]


class SavedModelEncoder:
    """Runs the ``serving_default`` signature of one SavedModel version in-process."""

    def __init__(self, version_dir: Path, batch_size: int = 256) -> None:
        import tensorflow as tf

        from answerbot.model.export import read_metadata

        self.path = Path(version_dir)
        try:
            self.metadata: dict[str, Any] = read_metadata(self.path)
            self._loaded = tf.saved_model.load(str(self.path))
        except (OSError, ValueError) as e:
            raise EncoderError(f"{self.path}: cannot load the SavedModel ({e}); re-export it") from e
        self._serve = self._loaded.signatures["serving_default"]
        self._tf = tf
        self._batch_size = batch_size

    @classmethod
    def latest(cls, model_root: Path) -> SavedModelEncoder:
        return cls(latest_version_dir(model_root))

    @property
    def model_name(self) -> str:
        return str(self.metadata.get("name", "answerbot"))

    @property
    def model_version(self) -> str:
        return self.path.name

    @property
    def dim(self) -> int:
        return int(self.metadata["dim"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        chunks = []
        for start in range(0, len(texts), self._batch_size):
            batch = self._tf.constant(list(texts[start : start + self._batch_size]), dtype=self._tf.string)
            chunks.append(self._serve(text=batch)["embedding"].numpy())
        return np.concatenate(chunks).astype(np.float32, copy=False)
