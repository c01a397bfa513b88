"""Which articles a recommendation offers: one pure function over an account's scores.

``select`` keeps rows scoring at least ``threshold``, then those with at least one of ``labels``; with a
``locale`` it keeps that language's rows and, when none of them is left, falls back to every locale. The
best ``k`` remain, by score and then by article id. Dense ranking passes the account's score threshold;
the lexical fallback passes ``ANY_MATCH`` (a BM25 score of 0 means no word in common).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from answerbot.index import AccountIndex, top_k_scores
from answerbot.service.explain import TokenWeight

__all__ = ["ANY_MATCH", "RankedArticle", "Selection", "ranked_articles", "select"]

ANY_MATCH = float(np.nextafter(np.float32(0), np.float32(1)))
"""The smallest positive score: as a threshold it keeps every row that scored above 0."""


@dataclass(frozen=True)
class Selection:
    """Picked row indices of the index, their scores (best first), and whether the locale filter fell back."""

    rows: np.ndarray
    scores: np.ndarray
    locale_fallback: bool = False


@dataclass(frozen=True)
class RankedArticle:
    """One recommended article, its score (cosine, hybrid fusion or BM25) and, on request, its explanation."""

    article_id: str
    title: str
    score: float
    locale: str | None
    snippet: str = ""
    labels: tuple[str, ...] = ()
    explanation: tuple[TokenWeight, ...] | None = None


def select(
    idx: AccountIndex,
    scores: np.ndarray,
    k: int,
    threshold: float,
    locale: str | None = None,
    labels: Sequence[str] = (),
) -> Selection:
    """The best ``k`` rows of ``idx`` by ``scores`` after the threshold, label and locale filters."""
    if len(idx) == 0:
        return Selection(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    kept = np.where(scores >= threshold, scores, -np.inf).astype(np.float32)
    if labels:
        kept = np.where(idx.label_mask(labels), kept, -np.inf)
    if locale is not None:
        rows, picked = top_k_scores(np.where(idx.locale_mask(locale), kept, -np.inf), k)
        if len(rows):
            return Selection(rows, picked)
        rows, picked = top_k_scores(kept, k)
        return Selection(rows, picked, locale_fallback=True)
    rows, picked = top_k_scores(kept, k)
    return Selection(rows, picked)


def ranked_articles(
    idx: AccountIndex, selection: Selection, explanations: Sequence[Sequence[TokenWeight]] | None = None
) -> tuple[RankedArticle, ...]:
    """The selected rows as RankedArticles, with their scores (and explanations)."""
    return tuple(
        RankedArticle(
            article_id=idx.ids[i],
            title=idx.titles[i],
            score=float(score),
            locale=idx.locales[i],
            snippet=idx.snippets[i],
            labels=idx.labels[i],
            explanation=None if explanations is None else tuple(explanations[n]),
        )
        for n, (i, score) in enumerate(zip(selection.rows, selection.scores, strict=True))
    )
