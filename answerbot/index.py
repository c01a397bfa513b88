"""Exact top-k over an account's article vectors (with masks for filters), and a per-process cache."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np

__all__ = ["AccountIndex", "VectorCache", "top_k", "top_k_scores"]

T = TypeVar("T")


@dataclass
class AccountIndex:
    """One account's ranked material: ids (sorted), unit-norm matrix [n, d], and what a response shows.

    ``extras`` holds structures built lazily from it (e.g. the BM25 index of hybrid scoring).
    """

    ids: list[str]
    matrix: np.ndarray
    titles: list[str]
    snippets: list[str]
    texts: list[str]
    locales: list[str | None]
    labels: list[tuple[str, ...]]
    extras: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.matrix.setflags(write=False)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.ids)

    def extra(self, name: str, build: Callable[[], Any]) -> Any:
        """``extras[name]``, built once by ``build()``."""
        with self._lock:
            if name not in self.extras:
                self.extras[name] = build()
            return self.extras[name]

    def label_mask(self, wanted: Sequence[str]) -> np.ndarray:
        """Rows carrying at least one of ``wanted`` labels."""
        wanted_set = set(wanted)
        return np.fromiter((bool(wanted_set.intersection(ls)) for ls in self.labels), dtype=bool, count=len(self))

    def locale_mask(self, locale: str) -> np.ndarray:
        """Rows whose locale matches: same tag, or same language ('pt' matches 'pt-BR'); no locale never matches."""
        wanted = locale.lower().replace("_", "-")
        language = wanted.split("-")[0]

        def match(value: str | None) -> bool:
            if value is None:
                return False
            tag = value.lower().replace("_", "-")
            return tag == wanted or tag.split("-")[0] == language

        return np.fromiter((match(v) for v in self.locales), dtype=bool, count=len(self))


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
    return top_k_scores(matrix @ query, k)


def top_k_scores(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices and scores of the ``k`` largest finite ``scores`` (score desc, index asc).

    Rows scored ``-inf`` (filtered out) are never returned.
    """
    if k < 1:
        raise ValueError(f"k={k} must be at least 1")
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
    indices = indices[np.isfinite(scores[indices])]
    return indices, scores[indices]


class VectorCache(Generic[T]):
    """Each account's entries (an AccountIndex per model version, or its record), kept until ``invalidate``.

    The cache is per process: the services invalidate it on their own writes, and a ``ChangeWatcher``
    (``answerbot.service.freshness``) on other processes' writes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], T] = {}
        self._generations: dict[str, int] = {}

    def get(self, account: str, model_version: str, load: Callable[[], T]) -> T:
        """The cached entry, or ``load()``'s result, cached unless the account was invalidated meanwhile."""
        key = (account, model_version)
        with self._lock:
            entry = self._entries.get(key)
            generation = self._generations.get(account, 0)
        if entry is not None:
            return entry
        entry = load()
        if isinstance(entry, tuple) and isinstance(entry[1], np.ndarray):
            entry[1].setflags(write=False)
        with self._lock:
            if self._generations.get(account, 0) == generation:
                self._entries[key] = entry
        return entry

    def peek(self, account: str, model_version: str) -> T | None:
        """The cached entry, or None; never loads."""
        with self._lock:
            return self._entries.get((account, model_version))

    def invalidate(self, account: str) -> None:
        """Forget every cached entry of ``account``; call after each write or delete."""
        with self._lock:
            self._generations[account] = self._generations.get(account, 0) + 1
            for key in [key for key in self._entries if key[0] == account]:
                del self._entries[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
