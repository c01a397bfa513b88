"""The top scores of an account's recent interactions as a histogram, with what feedback said about them.

An interaction's top score is the best score the threshold was compared with, so "offered at threshold t"
is "top score >= t": summing the bins from the top down gives, for every bin edge, how many recent
interactions a threshold there would have offered, and how many of those were resolved or rejected.
Interactions without a recorded score (older rows, the lexical fallback, no article with the labels) are
counted apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from answerbot.store import ScoredInteraction

__all__ = ["MAX_BIN_WIDTH", "MAX_RECENT", "MIN_BIN_WIDTH", "ScoreBin", "ScoreDistribution", "score_distribution"]

MAX_RECENT = 10_000
MIN_BIN_WIDTH = 0.005
MAX_BIN_WIDTH = 0.5


@dataclass(frozen=True)
class ScoreBin:
    """Interactions whose top score is in ``[lower, lower + width)``, and how many were resolved or rejected."""

    lower: float
    interactions: int
    resolved: int
    rejected: int


@dataclass(frozen=True)
class ScoreDistribution:
    """The histogram of recent top scores (non-empty bins, lowest first)."""

    interactions: int
    """Interactions read (at most the number asked for)."""
    unscored: int
    """Of those, interactions without a recorded top score."""
    bin_width: float
    bins: tuple[ScoreBin, ...]


def score_distribution(items: Sequence[ScoredInteraction], bin_width: float) -> ScoreDistribution:
    """Bin the scored ``items`` by ``bin_width``; bin edges are multiples of it (e.g. 0.30, 0.32, ...)."""
    counts: dict[int, list[int]] = {}
    for item in items:
        if item.top_score is None:
            continue
        # the small epsilon keeps a score equal to an edge (0.3 / 0.02 = 14.999...) in the bin it starts
        key = math.floor(item.top_score / bin_width + 1e-9)
        bucket = counts.setdefault(key, [0, 0, 0])
        bucket[0] += 1
        bucket[1] += item.resolved
        bucket[2] += item.rejected
    bins = tuple(
        ScoreBin(round(key * bin_width, 6), n, resolved, rejected)
        for key, (n, resolved, rejected) in sorted(counts.items())
    )
    unscored = sum(1 for item in items if item.top_score is None)
    return ScoreDistribution(len(items), unscored, bin_width, bins)
