"""The ``Teacher`` protocol: texts in, L2-normalised vectors out, with the languages it covers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Teacher", "TeacherError", "check_covered", "unit_rows"]


class TeacherError(ValueError):
    """A teacher cannot serve a request (uncovered language, bad cache); the message says what to do."""


@runtime_checkable
class Teacher(Protocol):
    """A multilingual sentence encoder used at training time only."""

    @property
    def name(self) -> str:
        """Identifies the model and its version; caches are kept per name."""
        ...

    @property
    def dim(self) -> int: ...

    @property
    def languages(self) -> frozenset[str]:
        """Language codes the teacher was trained on; others get vectors of little meaning."""
        ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 [len(texts), dim], each row of unit length (an empty text may give any unit row)."""
        ...


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def check_covered(teacher: Teacher, languages: Iterable[str], option: str = "--lang") -> None:
    """Raise when a language is not covered by ``teacher`` (the caller then needs parallel data)."""
    missing = sorted(set(languages) - teacher.languages)
    if missing:
        raise TeacherError(
            f"{option}: the teacher {teacher.name} does not cover {', '.join(missing)} "
            f"(it covers {', '.join(sorted(teacher.languages))}); give parallel data for "
            f"{', '.join(missing)} (e.g. --parallel support-kb) so their vectors are learned from the "
            "teacher's vectors of the other side"
        )
