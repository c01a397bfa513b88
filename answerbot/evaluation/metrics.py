"""Ranking metrics. Ties count at their expected rank, never the best case."""

from __future__ import annotations

import numpy as np

__all__ = ["expected_rank", "hit_at_k", "mean_reciprocal_rank", "reciprocal_rank"]


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
