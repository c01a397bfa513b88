"""A teacher with planted vectors (a known function of the text), for tests that need exact answers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from answerbot.teacher.base import unit_rows


class PlantedTeacher:
    """``encode`` returns ``vectors[text]`` when planted, else a unit vector seeded by the text's hash;
    ``calls`` counts the texts it was asked to encode."""

    def __init__(self, dim: int = 12, languages: Sequence[str] = ("en", "de"), vectors: dict | None = None) -> None:
        self.dim, self.languages = dim, frozenset(languages)
        self.vectors = dict(vectors or {})
        self.calls = 0

    @property
    def name(self) -> str:
        return f"planted-{self.dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        rows = []
        for text in texts:
            if text in self.vectors:
                rows.append(np.asarray(self.vectors[text], dtype=np.float32))
            else:
                seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
                rows.append(np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32))
        return unit_rows(np.stack(rows)) if rows else np.zeros((0, self.dim), np.float32)
