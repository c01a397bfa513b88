"""Which articles a recommendation offers: one pure function over an account's scores.

``select`` keeps rows scoring at least ``threshold``, then those with at least one of ``labels``; with a
``locale`` it keeps that language's rows and, when none of them is left, falls back to every locale. The
best ``k`` remain, by score and then by article id. Dense ranking passes the account's score threshold;
the lexical fallback passes ``ANY_MATCH`` (a BM25 score of 0 means no word in common).

The selection also keeps the top score the threshold was compared with (the best row with the labels),
and when nothing is picked ``unoffered`` says why: no articles, filtered out by labels, or below the
threshold (a locale filter never empties a selection: it falls back to every locale).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from answerbot.index import AccountIndex, top_k_scores
from answerbot.service.explain import TokenWeight

__all__ = [
    "ANY_MATCH",
    "RankedArticle",
    "Selection",
    "Unoffered",
    "UnofferedReason",
    "ranked_articles",
    "select",
    "why_unoffered",
]

ANY_MATCH = float(np.nextafter(np.float32(0), np.float32(1)))
"""The smallest positive score: as a threshold it keeps every row that scored above 0."""


class UnofferedReason(StrEnum):
    """Why a selection picked nothing."""

    NO_ARTICLES = "no_articles"
    FILTERED = "filtered"
    BELOW_THRESHOLD = "below_threshold"


@dataclass(frozen=True)
class Unoffered:
    """Why nothing was offered, in a code and in words."""

    reason: UnofferedReason
    message: str


@dataclass(frozen=True)
class Selection:
    """Picked row indices of the index, their scores (best first), and whether the locale filter fell back.

    ``top_row``/``top_score``: the best row carrying the labels, before the threshold (None when none does);
    ``unoffered``: why nothing was picked (None when something was).
    """

    rows: np.ndarray
    scores: np.ndarray
    locale_fallback: bool = False
    top_row: int | None = None
    top_score: float | None = None
    unoffered: UnofferedReason | None = None


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
        empty = np.zeros(0, dtype=np.int64)
        return Selection(empty, np.zeros(0, dtype=np.float32), unoffered=UnofferedReason.NO_ARTICLES)
    labelled = np.where(idx.label_mask(labels), scores, -np.inf) if labels else np.asarray(scores)
    top_row = int(np.argmax(labelled))
    top: tuple[int | None, float | None] = (None, None)
    if np.isfinite(labelled[top_row]):
        top = (top_row, float(labelled[top_row]))
    kept = np.where(labelled >= threshold, labelled, -np.inf).astype(np.float32)
    fallback = False
    if locale is not None:
        rows, picked = top_k_scores(np.where(idx.locale_mask(locale), kept, -np.inf), k)
        fallback = not len(rows)
    if locale is None or fallback:
        rows, picked = top_k_scores(kept, k)
    unoffered = None
    if not len(rows):
        below = top[1] is not None and not bool((scores >= threshold).any())
        unoffered = UnofferedReason.BELOW_THRESHOLD if below else UnofferedReason.FILTERED
    return Selection(rows, picked, fallback, top_row=top[0], top_score=top[1], unoffered=unoffered)


def why_unoffered(
    idx: AccountIndex, selection: Selection, threshold: float, labels: Sequence[str], lexical: bool = False
) -> Unoffered | None:
    """Why ``selection`` offers nothing, in words (None when it offers something)."""
    reason = selection.unoffered
    if reason is None:
        return None
    best = ""
    if selection.top_row is not None and selection.top_score is not None:
        row = selection.top_row
        best = f"the best article, {idx.ids[row]!r} ({idx.titles[row]}), scored {selection.top_score:.3f}"
    wanted = ", ".join(repr(label) for label in labels)
    if reason is UnofferedReason.NO_ARTICLES:
        message = "the account has no articles to rank yet; upload some"
    elif reason is UnofferedReason.BELOW_THRESHOLD and lexical:
        message = "the encoder is unavailable and no article shares a word with the enquiry (lexical fallback)"
    elif reason is UnofferedReason.BELOW_THRESHOLD:
        message = f"{best}, below the score threshold {threshold:.3f}"
    elif selection.top_row is None:
        message = f"no article has the label(s) {wanted}; remove the label filter or label the articles"
    else:
        message = f"articles scored at or above the threshold {threshold:.3f}, but none with the label(s) {wanted}"
        message += f"; with them, {best}"
    return Unoffered(reason, message)


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
