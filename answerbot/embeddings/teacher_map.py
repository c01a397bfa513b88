"""Map a table (e.g. fastText) into a teacher's space with one linear map fitted by ridge regression.

For a language the teacher covers, the map is fitted word by word: each frequent word's vector onto the
teacher's vector of the word. For a language it does not cover, it is fitted on parallel sentences: the
mean of a sentence's word vectors onto the teacher's vector of its translation (``DistillSet``
targets). Unlike Procrustes the map may stretch and change the dimension (fastText 100-d -> 512-d).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from answerbot.embeddings.sentence_fit import sentence_rows
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.teacher.base import Teacher, unit_rows
from answerbot.teacher.targets import DistillSet

__all__ = ["TeacherMap", "fit_ridge", "map_to_teacher"]


@dataclass
class TeacherMap:
    """The fitted map (``[table dim, teacher dim]``) and what it was fitted on."""

    matrix: np.ndarray
    fitted_on: str
    examples: int
    l2: float
    fit_cosine: float

    def summary(self) -> dict[str, Any]:
        return {"fitted_on": self.fitted_on, "examples": self.examples, "l2": self.l2, "fit_cosine": self.fit_cosine}


def fit_ridge(source: np.ndarray, target: np.ndarray, l2: float) -> np.ndarray:
    """``W`` minimising ``||source @ W - target||^2 + l2 ||W||^2`` (closed form, float64)."""
    if source.ndim != 2 or target.ndim != 2 or source.shape[0] != target.shape[0]:
        raise ValueError(f"fit_ridge: source {source.shape} and target {target.shape} need the same number of rows")
    x = source.astype(np.float64)
    gram = x.T @ x + l2 * np.eye(x.shape[1])
    return np.linalg.solve(gram, x.T @ target.astype(np.float64)).astype(np.float32)


def _sentence_means(table: EmbeddingTable, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rows = sentence_rows(table, texts, max_tokens=128)
    keep = np.array([i for i, r in enumerate(rows) if len(r)], dtype=np.int64)
    vectors = np.asarray(table.vectors, dtype=np.float32)
    means = np.stack([vectors[rows[i]].mean(axis=0) for i in keep]) if len(keep) else np.zeros((0, table.dim))
    return means, keep


def map_to_teacher(
    table: EmbeddingTable,
    teacher: Teacher,
    parallel: DistillSet | None = None,
    max_words: int = 20_000,
    l2: float = 1.0,
) -> tuple[EmbeddingTable, TeacherMap]:
    """``table`` mapped into ``teacher``'s space: fitted on words when the teacher covers the table's
    language, else on ``parallel`` sentences (required then)."""
    covered = table.lang in teacher.languages
    if covered:
        words = table.words[:max_words]
        source = np.asarray(table.vectors[: len(words)], dtype=np.float32)
        target = unit_rows(teacher.encode(words))
        fitted_on = "words"
    else:
        if parallel is None or not len(parallel):
            raise TableError(
                f"table {table.lang!r}: the teacher {teacher.name} does not cover this language; give parallel "
                "text (e.g. --parallel support-kb) to fit the map on sentences"
            )
        source, keep = _sentence_means(table, parallel.texts)
        if len(keep) < 2:
            raise TableError(f"table {table.lang!r}: fewer than 2 parallel sentences have a word of the table")
        target = parallel.targets[keep]
        fitted_on = "parallel sentences"
    matrix = fit_ridge(source, target, l2)
    fit_cosine = float(np.mean(np.sum(unit_rows(source @ matrix) * unit_rows(target), axis=1)))
    mapping = TeacherMap(matrix, fitted_on, len(source), l2, fit_cosine)
    vectors = np.asarray(table.vectors, dtype=np.float32) @ matrix
    meta = {**table.meta, "alignment": {"kind": "teacher", "teacher": teacher.name, **mapping.summary()}}
    return EmbeddingTable(list(table.words), vectors, table.lang, meta, table.counts), mapping
