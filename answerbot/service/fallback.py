"""Lexical fallback: when the encoder is down, rank an account's articles by BM25 alone (per-account opt-in).

The answer is flagged ``fallback="lexical"``: scores are BM25 (not cosine), so the score threshold does not
apply; articles with no term in common with the enquiry (BM25 0) are never offered. Label and locale filters
work as in dense ranking, the locale filter falling back to every locale when none of its articles matches.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from answerbot import index
from answerbot.lang import LanguageGuess
from answerbot.service import hybrid
from answerbot.store.base import Account, Interaction, utc_now

if TYPE_CHECKING:
    from answerbot.service.ranking import RankingService, Recommendation

__all__ = ["LEXICAL", "lexical_recommendation"]

LEXICAL = "lexical"


def _pick(
    idx: index.AccountIndex, scores: np.ndarray, k: int, locale: str | None, labels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, bool]:
    scores = np.where(scores > 0, scores, -np.inf).astype(np.float32)
    if labels:
        scores = np.where(idx.label_mask(labels), scores, -np.inf)
    if locale is not None:
        picked, picked_scores = index.top_k_scores(np.where(idx.locale_mask(locale), scores, -np.inf), k)
        if len(picked):
            return picked, picked_scores, False
        picked, picked_scores = index.top_k_scores(scores, k)
        return picked, picked_scores, True
    picked, picked_scores = index.top_k_scores(scores, k)
    return picked, picked_scores, False


def lexical_recommendation(
    service: RankingService,
    account: Account,
    enquiry: str,
    k: int,
    *,
    locale: str | None = None,
    labels: Sequence[str] = (),
    language: LanguageGuess | None = None,
) -> Recommendation:
    """The account's best articles by BM25, flagged as a lexical fallback; records the interaction like recommend."""
    from answerbot.service.ranking import Recommendation, check_filters, ranked_articles

    check_filters(locale, labels)
    if language is None:
        language = service.detect_language(enquiry)
    idx = service.index(account.account_id)
    if len(idx):
        picked, scores, locale_fallback = _pick(idx, hybrid.bm25_scores(idx, enquiry), k, locale, labels)
    else:
        picked, scores, locale_fallback = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), False
    ranked = ranked_articles(idx, picked, scores)
    now = utc_now()
    interaction = Interaction(
        account.account_id, uuid.uuid4().hex, now, now[:10], language.code, tuple(a.article_id for a in ranked)
    )
    service.store.add_interaction(interaction)
    return Recommendation(
        account=account.account_id,
        model_name=service.model_name,
        model_version=account.active_version or service.model_version,
        language=language,
        articles=ranked,
        interaction_id=interaction.interaction_id,
        threshold=0.0,
        hybrid=account.hybrid,
        locale_fallback=locale_fallback,
        fallback=LEXICAL,
    )
