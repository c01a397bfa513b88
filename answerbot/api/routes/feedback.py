"""Feedback on an interaction (resolution or rejection with a reason) and the account's daily analytics."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from answerbot.api.deps import AccountDep, FeedbackDep, InteractionIdPath, MetricsDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas import AnalyticsOut, FeedbackIn, FeedbackOut

__all__ = ["router"]

router = APIRouter(prefix="/v1/accounts/{account}", tags=["feedback"], responses=ERROR_RESPONSES)


@router.post("/interactions/{interaction_id}/feedback", status_code=status.HTTP_201_CREATED)
def post_feedback(
    account: AccountDep,
    interaction_id: InteractionIdPath,
    payload: FeedbackIn,
    feedback: FeedbackDep,
    metrics: MetricsDep,
) -> FeedbackOut:
    """Record that an offered article solved the ticket (one resolution per interaction), or a rejection."""
    record = feedback.record(account.account_id, interaction_id, payload.type, payload.article_id, payload.reason)
    metrics.feedback.labels(record.kind).inc()
    return FeedbackOut.from_record(record)


@router.get("/analytics")
def get_analytics(
    account: AccountDep,
    feedback: FeedbackDep,
    first: Annotated[
        date | None, Query(alias="from", description="First UTC day (default: 29 days before to).")
    ] = None,
    last: Annotated[date | None, Query(alias="to", description="Last UTC day (default: today).")] = None,
) -> AnalyticsOut:
    """Attempts, offered, unoffered, resolutions and rejections by reason, per UTC day and in total."""
    first_day, last_day, days = feedback.analytics(account.account_id, first, last)
    return AnalyticsOut.from_days(account.account_id, first_day, last_day, days)
