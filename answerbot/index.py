"""Exact top-k over an account's article vectors, and a per-process cache of those matrices."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

__all__ = ["VectorCache", "top_k"]

_IdsAndMatrix = tuple[list[str], np.ndarray]


def top_k(query: np.ndarray, matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices and scores of the ``k`` rows of ``matrix`` with the largest dot product with ``query``.

    Rows are unit norm, so the score is the cosine similarity. Sorted by score descending, then by row
    index ascending, so ties are broken deterministically. Returns fewer than ``k`` when there are fewer rows.
    """
    if k < 1:
        raise ValueError(f"k={k} must be at least 1")
    if query.ndim != 1 or matrix.ndim != 2 or matrix.shape[1] != query.shape[0]:
        raise ValueError(
            f"query of shape {query.shape} does not match matrix of shape {matrix.shape}; "
            "expected [d] and [n, d] of the same model"
        )
    scores = matrix @ query
    n = scores.shape[0]
    if n > k:
        # argpartition picks an arbitrary subset among rows tied with the k-th score; take every row
        # scoring at least that much, then keep the k best by (score desc, index asc).
        threshold = scores[np.argpartition(-scores, k - 1)[:k]].min()
        candidates = np.flatnonzero(scores >= threshold)
    else:
        candidates = np.arange(n)
    order = np.lexsort((candidates, -scores[candidates]))[:k]
    indices = candidates[order]
    return indices, scores[indices]


class VectorCache:
    """Each account's (ids, matrix) per model version, kept until ``invalidate(account)``.

    The cache is per process: writes made by another process are not seen.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], _IdsAndMatrix] = {}
        self._generations: dict[str, int] = {}

    def get(self, account: str, model_version: str, load: Callable[[], _IdsAndMatrix]) -> _IdsAndMatrix:
        """The cached entry, or ``load()``'s result, cached unless the account was invalidated meanwhile."""
        key = (account, model_version)
        with self._lock:
            entry = self._entries.get(key)
            generation = self._generations.get(account, 0)
        if entry is not None:
            return entry
        ids, matrix = load()
        matrix.setflags(write=False)
        entry = (ids, matrix)
        with self._lock:
            if self._generations.get(account, 0) == generation:
                self._entries[key] = entry
        return entry

    def invalidate(self, account: str) -> None:
        """Forget every cached matrix of ``account``; call after each write or delete."""
        with self._lock:
            self._generations[account] = self._generations.get(account, 0) + 1
            for key in [key for key in self._entries if key[0] == account]:
                del self._entries[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
