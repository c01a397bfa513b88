"""Score matrices of every method (dense model, BM25, mean of vectors, hybrid) for one candidate pool.

A :class:`Pool` encodes its candidates once; queries are encoded once (:meth:`Pool.queries`) and scored
against the whole pool or any sub-pool (an "account"). Cosines are rounded to 1e-6 so that identical
texts tie exactly despite BLAS rounding; ties then count at their expected value in the metrics.
BM25 is indexed per (sub-)pool, as the service indexes each account. Hybrid is
``answerbot.service.hybrid.fuse`` (the lifting fusion the service uses, BM25 counting only where the query's
and the candidate's languages agree, as the service compares the detected language); ``hybrid_linear`` is the plain
weighted sum ``(1 - w) * cosine + w * bm25 / max(bm25)``, for comparison. A teacher
(a multilingual sentence encoder used at training time) can be scored beside the model in the same run,
alone and fused with BM25 the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np

from answerbot.bm25 import Bm25Ranker
from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.baselines import mean_vectors, unit_rows

__all__ = [
    "DENSE",
    "HYBRID",
    "HYBRID_LINEAR",
    "LEXICAL",
    "MEAN",
    "TEACHER",
    "TEACHER_HYBRID",
    "Encode",
    "Pool",
    "Progress",
    "QueryVectors",
    "encode_batched",
]

#: ``encode(texts) -> float32 [len(texts), dim]`` with unit rows.
Encode: TypeAlias = Callable[[Sequence[str]], np.ndarray]
#: ``progress(stage, done, total)``.
Progress: TypeAlias = Callable[[str, int, int], None]

DENSE, LEXICAL, MEAN, HYBRID, HYBRID_LINEAR = "dense", "bm25", "mean_vectors", "hybrid", "hybrid_linear"
TEACHER, TEACHER_HYBRID = "teacher", "teacher_hybrid"
DECIMALS = 6


def encode_batched(
    encode: Encode, texts: Sequence[str], stage: str, batch_size: int = 512, progress: Progress | None = None
) -> np.ndarray:
    """``encode`` over ``texts`` in batches, reporting progress; rows re-normalised to unit length."""
    chunks = []
    for start in range(0, len(texts), batch_size):
        batch = list(texts[start : start + batch_size])
        vectors = np.asarray(encode(batch), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(batch):
            raise ValueError(f"encode: returned shape {vectors.shape} for {len(batch)} texts; expected [n, dim]")
        chunks.append(vectors)
        if progress is not None:
            progress(stage, min(start + batch_size, len(texts)), len(texts))
    if not chunks:
        return np.zeros((0, 1), dtype=np.float32)
    return unit_rows(np.concatenate(chunks))


def _cosines(queries: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    return np.round(queries @ candidates.T, DECIMALS).astype(np.float32)


def _fuse(
    dense: np.ndarray, lexical: np.ndarray, weight: float, comparable: np.ndarray, lift: bool = True
) -> np.ndarray:
    from answerbot.service.hybrid import fuse

    if not len(dense):
        return dense
    rows = zip(dense, lexical, comparable, strict=True)
    return np.stack([fuse(d, lx, weight, lift, comparable=ok) for d, lx, ok in rows])


def _comparable(query_langs: Sequence[str | None], candidate_langs: Sequence[str | None]) -> np.ndarray:
    """[queries, candidates]: whose BM25 counts in hybrid (the same language, or either one unknown)."""
    codes: dict[str | None, int] = {None: -1}
    for lang in [*query_langs, *candidate_langs]:
        codes.setdefault(lang, len(codes))
    q = np.array([codes[lang] for lang in query_langs], dtype=np.int32)[:, None]
    c = np.array([codes[lang] for lang in candidate_langs], dtype=np.int32)[None, :]
    return np.asarray((q == c) | (q < 0) | (c < 0))


@dataclass(frozen=True)
class QueryVectors:
    texts: list[str]
    dense: np.ndarray | None
    mean: np.ndarray | None
    teacher: np.ndarray | None = None
    langs: list[str | None] | None = None


class Pool:
    """Candidates of one benchmark, encoded once by the model and the mean-of-vectors baseline."""

    def __init__(
        self,
        texts: Sequence[str],
        langs: Sequence[str | None],
        encode: Encode | None,
        table: EmbeddingTable | None,
        hybrid_weight: float | None = None,
        progress: Progress | None = None,
        stage: str = "candidates",
        teacher: Encode | None = None,
    ) -> None:
        if not texts:
            raise ValueError("candidates: empty; a benchmark needs at least one candidate")
        if hybrid_weight is not None and not 0.0 <= hybrid_weight <= 1.0:
            raise ValueError(f"hybrid_weight={hybrid_weight}: must lie in [0, 1]")
        if hybrid_weight is not None and encode is None and teacher is None:
            raise ValueError("hybrid_weight: needs a dense model (encode); pass --model, --run or --teacher")
        self.texts, self.langs = list(texts), list(langs)
        self.encode, self.table, self.hybrid_weight, self.progress = encode, table, hybrid_weight, progress
        self.dense = None if encode is None else encode_batched(encode, self.texts, stage, progress=progress)
        self.mean = None if table is None else mean_vectors(table, self.texts, self.langs)
        self.teacher = teacher
        self.teacher_vectors = (
            None if teacher is None else encode_batched(teacher, self.texts, f"{stage} (teacher)", progress=progress)
        )
        self._bm25: dict[object, Bm25Ranker] = {}

    @property
    def methods(self) -> list[str]:
        names = [DENSE] if self.dense is not None else []
        names.append(LEXICAL)
        if self.mean is not None:
            names.append(MEAN)
        if self.hybrid_weight is not None and self.dense is not None:
            names.extend([HYBRID, HYBRID_LINEAR])
        if self.teacher_vectors is not None:
            names.append(TEACHER)
            if self.hybrid_weight is not None:
                names.append(TEACHER_HYBRID)
        return names

    def queries(self, texts: Sequence[str], langs: Sequence[str | None], stage: str = "queries") -> QueryVectors:
        """Encode queries once for every method."""
        texts = list(texts)
        dense = None if self.encode is None else encode_batched(self.encode, texts, stage, progress=self.progress)
        mean = None if self.table is None else mean_vectors(self.table, texts, langs)
        teacher = (
            None
            if self.teacher is None
            else encode_batched(self.teacher, texts, f"{stage} (teacher)", progress=self.progress)
        )
        return QueryVectors(texts, dense, mean, teacher, list(langs))

    def scores(
        self,
        queries: QueryVectors,
        rows: np.ndarray | None = None,
        columns: np.ndarray | None = None,
        key: object = None,
    ) -> dict[str, np.ndarray]:
        """Method -> float32 [queries, candidates] for the query ``rows`` against the candidate ``columns``.

        ``key`` names the sub-pool so its BM25 index is built once (None = the whole pool).
        """
        q = np.arange(len(queries.texts)) if rows is None else np.asarray(rows)
        c = np.arange(len(self.texts)) if columns is None else np.asarray(columns)
        out: dict[str, np.ndarray] = {}
        if self.dense is not None and queries.dense is not None:
            out[DENSE] = _cosines(queries.dense[q], self.dense[c])
        if key not in self._bm25:
            self._bm25[key] = Bm25Ranker([self.texts[i] for i in c])
        ranker = self._bm25[key]
        lexical = np.zeros((len(q), len(c)), dtype=np.float32)
        for i, row in enumerate(q):
            lexical[i] = ranker.scores(queries.texts[row])
        out[LEXICAL] = np.round(lexical, DECIMALS)
        if self.mean is not None and queries.mean is not None:
            out[MEAN] = _cosines(queries.mean[q], self.mean[c])
        if self.teacher_vectors is not None and queries.teacher is not None:
            out[TEACHER] = _cosines(queries.teacher[q], self.teacher_vectors[c])
        if self.hybrid_weight is None:
            return out
        query_langs: list[str | None] = [None] * len(q) if queries.langs is None else [queries.langs[i] for i in q]
        comparable = _comparable(query_langs, [self.langs[j] for j in c])
        if DENSE in out:
            out[HYBRID] = np.round(_fuse(out[DENSE], lexical, self.hybrid_weight, comparable), DECIMALS)
            out[HYBRID_LINEAR] = np.round(
                _fuse(out[DENSE], lexical, self.hybrid_weight, comparable, lift=False), DECIMALS
            )
        if TEACHER in out:
            out[TEACHER_HYBRID] = np.round(_fuse(out[TEACHER], lexical, self.hybrid_weight, comparable), DECIMALS)
        return {name: out[name] for name in self.methods if name in out}
