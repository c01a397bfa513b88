"""Hybrid scoring: the dense cosine fused with BM25 over the same article texts (per-account setting).

Fusion lifts: ``max(cosine, (1 - w) * cosine + w * bm25 / max(bm25))`` with ``w = ANSWERBOT_HYBRID_WEIGHT``
and ``max(bm25)`` the account's best BM25 score for this enquiry. Shared words can raise an article's score,
never sink it below its cosine, so a ticket with no word in common with an article (another language, other
wording) keeps the dense score the threshold was set for. The plain weighted sum (``lift=False``) scaled
such matches by ``1 - w`` and put cross-language answers under the threshold; bench/p1.py reports both.
The result stays on the cosine's scale (at most 1), so one score threshold serves both modes.

BM25 counts only for articles in the enquiry's language (and articles without a locale): a word an English
ticket shares with a German article (a product name, a loan word) says little about the answer, and lifting
on it sank English-title queries on a localized KB from 0.585 (dense) to 0.379 MRR@10 on P1
(bench/RESULTS.md). An undetermined enquiry language compares with every article.
"""

from __future__ import annotations

import numpy as np

from answerbot.bm25 import Bm25Ranker
from answerbot.index import AccountIndex
from answerbot.lang import UNDETERMINED

__all__ = ["bm25_scores", "fuse", "lexical_mask"]


def bm25_scores(index: AccountIndex, enquiry: str) -> np.ndarray:
    """BM25 of every article of the index for ``enquiry`` (the index is built once per cached AccountIndex)."""
    if len(index) == 0:
        return np.zeros(0, dtype=np.float32)
    ranker: Bm25Ranker = index.extra("bm25", lambda: Bm25Ranker(index.texts))
    return ranker.scores(enquiry)


def lexical_mask(index: AccountIndex, language: str) -> np.ndarray:
    """Articles whose BM25 counts for an enquiry in ``language``: its locale's language, or no locale."""
    if language == UNDETERMINED.code:
        return np.ones(len(index), dtype=bool)

    def build() -> np.ndarray:
        unknown = np.fromiter((v is None for v in index.locales), dtype=bool, count=len(index))
        return np.asarray(index.locale_mask(language) | unknown)

    mask: np.ndarray = index.extra(f"lexical-mask:{language}", build)
    return mask


def fuse(
    dense: np.ndarray, lexical: np.ndarray, weight: float, lift: bool = True, comparable: np.ndarray | None = None
) -> np.ndarray:
    """``(1 - weight) * dense + weight * lexical / max(lexical)``, at least ``dense`` when ``lift``.

    ``comparable`` (one bool per article) keeps BM25 only where true; elsewhere the article scores ``dense``
    when lifting (``(1 - weight) * dense`` in the plain sum).
    """
    if comparable is not None:
        lexical = np.where(comparable, lexical, 0.0)
    top = float(lexical.max()) if lexical.size else 0.0
    normalised = lexical / top if top > 0 else np.zeros_like(lexical)
    fused = (1.0 - weight) * dense + weight * normalised
    return (np.maximum(dense, fused) if lift else fused).astype(np.float32)
