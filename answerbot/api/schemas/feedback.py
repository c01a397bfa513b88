"""Feedback and analytics bodies."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from answerbot.api.schemas.common import In
from answerbot.service import ID_PATTERN, FeedbackKind, RejectionReason
from answerbot.store import REJECTION_REASONS, DailyCounts, FeedbackRecord

__all__ = ["AnalyticsOut", "CountsOut", "DayOut", "FeedbackIn", "FeedbackOut"]


class FeedbackIn(In):
    """A resolution (``article_id`` solved the ticket) or a rejection with a reason (default ``unknown``)."""

    type: FeedbackKind
    article_id: str | None = Field(default=None, pattern=ID_PATTERN)
    reason: RejectionReason | None = None


class FeedbackOut(BaseModel):
    interaction_id: str
    type: FeedbackKind
    article_id: str | None
    reason: RejectionReason | None
    created_at: str

    @classmethod
    def from_record(cls, record: FeedbackRecord) -> FeedbackOut:
        return cls(
            interaction_id=record.interaction_id,
            type=FeedbackKind(record.kind),
            article_id=record.article_id,
            reason=None if record.reason is None else RejectionReason(record.reason),
            created_at=record.created_at,
        )


class CountsOut(BaseModel):
    attempts: int
    offered: int
    unoffered: int
    resolutions: int
    rejections: dict[str, int] = Field(description="By reason: unknown, not_related, related_but_did_not_answer.")


class DayOut(CountsOut):
    day: date

    @classmethod
    def from_counts(cls, counts: DailyCounts) -> DayOut:
        return cls(
            day=date.fromisoformat(counts.day),
            attempts=counts.attempts,
            offered=counts.offered,
            unoffered=counts.unoffered,
            resolutions=counts.resolutions,
            rejections=dict(counts.rejections),
        )


class AnalyticsOut(BaseModel):
    """Per UTC day from ``first_day`` to ``last_day`` (days without interactions are left out), and in total."""

    account: str
    first_day: date
    last_day: date
    days: list[DayOut]
    totals: CountsOut

    @classmethod
    def from_days(cls, account: str, first: date, last: date, days: list[DailyCounts]) -> AnalyticsOut:
        rejections: dict[str, int] = {}
        for d in days:
            for reason, n in d.rejections.items():
                rejections[reason] = rejections.get(reason, 0) + n
        totals = CountsOut(
            attempts=sum(d.attempts for d in days),
            offered=sum(d.offered for d in days),
            unoffered=sum(d.unoffered for d in days),
            resolutions=sum(d.resolutions for d in days),
            rejections=rejections or dict.fromkeys(REJECTION_REASONS, 0),
        )
        return cls(
            account=account, first_day=first, last_day=last, days=[DayOut.from_counts(d) for d in days], totals=totals
        )
