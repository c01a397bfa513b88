"""Recommendations: an account's best articles for a ticket, micro-batched through the encoder."""

from __future__ import annotations

import asyncio
from functools import partial

import numpy as np
from fastapi import APIRouter

from answerbot.api.deps import AccountDep, BatcherDep, MetricsDep, RankingDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas import RecommendationIn, RecommendationOut
from answerbot.encoders.base import EncoderError

__all__ = ["router"]

router = APIRouter(prefix="/v1/accounts/{account}", tags=["recommendations"], responses=ERROR_RESPONSES)


@router.post("/recommendations")
async def recommend(
    account: AccountDep, payload: RecommendationIn, ranking: RankingDep, batcher: BatcherDep, metrics: MetricsDep
) -> RecommendationOut:
    """The account's articles most similar to the enquiry, best first, over the score threshold.

    Every call is an interaction (``interaction_id``) that feedback can refer to; ``outcome`` is
    ``unoffered`` when no article passes the threshold and filters. With ``explain`` each article lists
    the enquiry tokens that drove the match (token occlusion).

    When the encoder is down: 503 with ``Retry-After``, or, for an account with ``lexical_fallback``, BM25
    results flagged ``"fallback": "lexical"``.
    """
    ranking.check_enquiry(payload.enquiry, payload.top_k)
    language = ranking.detect_language(payload.enquiry)  # tens of microseconds: cheaper here than in a thread
    try:
        query: np.ndarray | EncoderError = await batcher.encode(payload.enquiry)  # micro-batched, in a thread
    except EncoderError as e:
        query = e  # recommend() decides: lexical fallback or 503
    run = partial(
        ranking.recommend,
        account,
        payload.enquiry,
        payload.top_k,
        locale=payload.locale,
        labels=payload.labels,
        explain=payload.explain,
        query=query,
        language=language,
    )
    # with everything in memory, ranking is a few hundred microseconds of numpy: cheaper here than a thread hop
    recommendation = run() if ranking.in_memory(account, payload.explain) else await asyncio.to_thread(run)
    metrics.outcomes.labels(recommendation.outcome).inc()
    return RecommendationOut.from_recommendation(recommendation, explained=payload.explain)
