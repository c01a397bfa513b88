"""Ranking metrics. Ties count at their expected rank, never the best case."""

from __future__ import annotations

import numpy as np

__all__ = [
    "average_precision",
    "expected_rank",
    "hit_at_k",
    "mean_reciprocal_rank",
    "recall_at_k",
    "reciprocal_rank",
]


def expected_rank(scores: np.ndarray, gold: int) -> float:
    """1-based rank of ``scores[gold]``; a tie with t other items adds t/2 (the mean over tie orders)."""
    own = scores[gold]
    higher = int(np.sum(scores > own))
    ties = int(np.sum(scores == own)) - 1
    return 1.0 + higher + ties / 2.0


def reciprocal_rank(scores: np.ndarray, gold: int, k: int | None = None) -> float:
    """Expected reciprocal rank over tie orders; 0 beyond ``k`` when given."""
    own = scores[gold]
    higher = int(np.sum(scores > own))
    ties = int(np.sum(scores == own))  # includes gold itself
    ranks = np.arange(higher + 1, higher + ties + 1, dtype=np.float64)
    if k is not None:
        ranks = np.where(ranks <= k, ranks, np.inf)
    return float(np.mean(1.0 / ranks))


def hit_at_k(scores: np.ndarray, gold: int, k: int) -> float:
    """Probability that ``gold`` lands in the top ``k`` when ties are ordered at random."""
    own = scores[gold]
    higher = int(np.sum(scores > own))
    ties = int(np.sum(scores == own))
    slots = max(0, min(ties, k - higher))
    return slots / ties


def mean_reciprocal_rank(score_rows: list[np.ndarray], golds: list[int], k: int | None = None) -> float:
    if not golds:
        raise ValueError("golds: empty; need at least one query to average over")
    return float(np.mean([reciprocal_rank(s, g, k) for s, g in zip(score_rows, golds, strict=True)]))


def _relevant_indices(scores: np.ndarray, relevant: np.ndarray | list[int]) -> np.ndarray:
    rel = np.asarray(relevant)
    if rel.dtype == bool:
        if rel.shape != scores.shape:
            raise ValueError(
                f"relevant: mask of shape {rel.shape} for scores of shape {scores.shape}; pass equal shapes"
            )
        rel = np.flatnonzero(rel)
    rel = np.unique(rel.astype(np.int64))
    if rel.size == 0:
        raise ValueError("relevant: empty; a query needs at least one relevant item")
    return rel


def average_precision(scores: np.ndarray, relevant: np.ndarray | list[int]) -> float:
    """Expected average precision over the random orders of tied scores (exact, no sampling).

    ``relevant`` holds indices or a boolean mask. For a tie group of ``n`` items, ``r`` of them relevant,
    after ``a`` items (``c`` relevant) that score higher, every position ``p`` of the group holds a relevant
    item with probability ``r / n``; given that, the relevant items above it number ``c + (p - 1)(r - 1)/(n - 1)``
    on average. So the group adds ``sum_p (r / n) (c + 1 + (p - 1)(r - 1)/(n - 1)) / (a + p)``
    (McSherry & Najork, ECIR 2008). Without ties this is the usual AP.
    """
    rel = _relevant_indices(scores, relevant)
    rel_scores = scores[rel]
    total = 0.0
    for value in np.unique(rel_scores):
        above = int(np.sum(scores > value))
        n = int(np.sum(scores == value))
        c = int(np.sum(rel_scores > value))
        r = int(np.sum(rel_scores == value))
        p = np.arange(1, n + 1, dtype=np.float64)
        share = (r - 1) / (n - 1) if n > 1 else 0.0
        total += float(np.sum((r / n) * (c + 1 + (p - 1) * share) / (above + p)))
    return total / rel.size


def recall_at_k(scores: np.ndarray, relevant: np.ndarray | list[int], k: int) -> float:
    """Expected share of the relevant items in the top ``k`` when ties are ordered at random."""
    rel = _relevant_indices(scores, relevant)
    rel_scores = scores[rel]
    found = 0.0
    for value in np.unique(rel_scores):
        above = int(np.sum(scores > value))
        n = int(np.sum(scores == value))
        r = int(np.sum(rel_scores == value))
        found += r * max(0, min(n, k - above)) / n
    return found / rel.size
