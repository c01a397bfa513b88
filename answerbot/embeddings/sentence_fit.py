"""Fit a table's word vectors so that the mean of a sentence's word vectors points where a teacher's
sentence vector points.

The loss per sentence is ``1 - cos(mean of its known words' vectors, target)`` plus an L2 pull of
every moved word back to its starting vector (``l2``), minimised with lazy (row-sparse) Adam. The
targets are the teacher's vectors of the sentences themselves (a language the teacher covers) or of
their translations (a language it does not cover: the targets carry the meaning across). Words that
no sentence uses keep their starting vectors. Pure NumPy: no TensorFlow in ``embeddings/``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.text import tokenize

__all__ = ["FitConfig", "fit_to_sentences", "sentence_rows"]


@dataclass(frozen=True)
class FitConfig:
    epochs: int = 5
    batch_size: int = 256
    learning_rate: float = 2e-3
    l2: float = 1e-3
    max_tokens: int = 64
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "max_tokens"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)}: must be a positive integer")
        if self.learning_rate <= 0 or self.l2 < 0:
            raise ValueError(f"learning_rate={self.learning_rate}, l2={self.l2}: need learning_rate > 0, l2 >= 0")


def sentence_rows(table: EmbeddingTable, texts: Sequence[str], max_tokens: int) -> list[np.ndarray]:
    """Each text's known words as table rows (the first ``max_tokens`` tokens)."""
    return [
        np.fromiter((r for r in (table.get(w) for w in tokenize(t)[:max_tokens]) if r is not None), dtype=np.int64)
        for t in texts
    ]


class _LazyAdam:
    def __init__(self, shape: tuple[int, int], rate: float) -> None:
        self.m, self.v = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
        self.steps = np.zeros(shape[0], np.int64)
        self.rate = rate

    def step(self, params: np.ndarray, rows: np.ndarray, grads: np.ndarray) -> None:
        b1, b2 = 0.9, 0.999
        self.steps[rows] += 1
        t = self.steps[rows][:, None]
        self.m[rows] = b1 * self.m[rows] + (1 - b1) * grads
        self.v[rows] = b2 * self.v[rows] + (1 - b2) * grads * grads
        m_hat = self.m[rows] / (1 - b1**t)
        v_hat = self.v[rows] / (1 - b2**t)
        params[rows] -= self.rate * m_hat / (np.sqrt(v_hat) + 1e-8)


def fit_to_sentences(
    table: EmbeddingTable,
    texts: Sequence[str],
    targets: np.ndarray,
    config: FitConfig | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> EmbeddingTable:
    """A copy of ``table`` (float32) whose vectors are fitted to ``targets`` [len(texts), dim] (unit rows)."""
    config = config or FitConfig()
    targets = np.asarray(targets, dtype=np.float32)
    if targets.shape != (len(texts), table.dim):
        raise TableError(
            f"targets: shape {targets.shape} does not match {len(texts)} texts x table dim {table.dim}; "
            "use a teacher of the table's dimension"
        )
    rows = sentence_rows(table, texts, config.max_tokens)
    usable = [i for i, r in enumerate(rows) if len(r)]
    if not usable:
        raise TableError(f"table {table.lang!r}: none of the {len(texts)} texts has a word of the table")
    start = np.asarray(table.vectors, dtype=np.float32)
    vectors = start.copy()
    adam = _LazyAdam(vectors.shape, config.learning_rate)
    rng = np.random.default_rng(config.seed)
    for epoch in range(1, config.epochs + 1):
        order = rng.permutation(usable)
        losses = []
        for begin in range(0, len(order), config.batch_size):
            batch = order[begin : begin + config.batch_size]
            ids = [rows[i] for i in batch]
            lengths = np.fromiter((len(r) for r in ids), dtype=np.int64, count=len(ids))
            flat = np.concatenate(ids)
            owner = np.repeat(np.arange(len(ids)), lengths)
            means = np.zeros((len(ids), table.dim), np.float32)
            np.add.at(means, owner, vectors[flat])
            means /= lengths[:, None]
            norms = np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-8)
            unit = means / norms
            cos = np.einsum("ij,ij->i", unit, targets[batch])
            grad_means = -(targets[batch] - cos[:, None] * unit) / norms / len(ids)
            touched, inverse = np.unique(flat, return_inverse=True)
            grads = np.zeros((len(touched), table.dim), np.float32)
            np.add.at(grads, inverse, (grad_means / lengths[:, None])[owner])
            grads += 2 * config.l2 * (vectors[touched] - start[touched]) / len(ids)
            adam.step(vectors, touched, grads)
            losses.append(float(np.mean(1 - cos)))
        if progress:
            progress(epoch, float(np.mean(losses)))
    fitted = EmbeddingTable(list(table.words), vectors, table.lang, dict(table.meta), table.counts)
    fitted.meta["sentence_fit"] = {**asdict(config), "texts": len(usable)}
    return fitted
