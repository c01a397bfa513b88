"""Why an article matched: token occlusion through the encoder.

Method: split the enquiry into the model's word units (``answerbot.text.normalize`` then whitespace; a run of
a no-space script such as Han or Thai is one unit). For each unit, encode the enquiry without it and measure
how much the cosine similarity to the article drops. A large drop means the unit drove the match; a negative
weight means the unit pulled the enquiry away from the article. All variants go to the encoder in one call.
This explains the dense score only (in hybrid mode the BM25 part is not included).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from answerbot.text import normalize

__all__ = ["METHOD", "TokenWeight", "explain", "word_units"]

METHOD = "occlusion"
TOP_TOKENS = 5


@dataclass(frozen=True)
class TokenWeight:
    """A unit of the enquiry and the drop in score when it is removed."""

    token: str
    weight: float


def word_units(text: str) -> list[str]:
    """The enquiry's word units as the model tokenizes them."""
    return normalize(text).split()


def explain(
    enquiry: str,
    query: np.ndarray,
    articles: np.ndarray,
    encode: Callable[[list[str]], np.ndarray],
    max_units: int = 32,
) -> list[list[TokenWeight]]:
    """For each row of ``articles`` [m, d], the top units of ``enquiry`` by occlusion weight, largest first.

    Only the first ``max_units`` units are occluded (one encoder batch of that size at most).
    """
    units = word_units(enquiry)
    if not units or articles.shape[0] == 0:
        return [[] for _ in range(articles.shape[0])]
    base = articles @ query
    if len(units) == 1:
        return [[TokenWeight(units[0], float(score))] for score in base]
    count = min(len(units), max_units)
    variants = [" ".join(units[:i] + units[i + 1 :]) for i in range(count)]
    occluded = np.asarray(encode(variants), dtype=np.float32) @ articles.T  # [count, m]
    drops = base[None, :] - occluded
    return [_top(units[:count], drops[:, j]) for j in range(articles.shape[0])]


def _top(units: Sequence[str], drops: np.ndarray) -> list[TokenWeight]:
    best: dict[str, float] = {}
    for unit, drop in zip(units, drops, strict=True):
        best[unit] = max(best.get(unit, -np.inf), float(drop))
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:TOP_TOKENS]
    return [TokenWeight(unit, round(weight, 6)) for unit, weight in ranked]
