"""Feedback on interactions (resolutions, rejections with a reason), and what is read over both: the per-day
analytics and the top scores of recent interactions with their outcome."""

from __future__ import annotations

from sqlalchemy import Exists, and_, case, exists, func, select

from answerbot.store.database import Database
from answerbot.store.records import (
    REJECTION_REASONS,
    DailyCounts,
    FeedbackRecord,
    LabelledEnquiry,
    ScoredInteraction,
)
from answerbot.store.tables import accounts, feedback, interactions

__all__ = ["FeedbackRepository"]


class FeedbackRepository:
    """The ``feedback`` table, and analytics joining it with ``interactions``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, record: FeedbackRecord) -> None:
        """Record feedback; Duplicate for a second resolution, or a second rejection of the same article;
        StoreError when the interaction does not exist."""
        values = {
            "account": record.account,
            "interaction_id": record.interaction_id,
            "kind": record.kind,
            "article_id": record.article_id or "",
            "reason": record.reason,
            "day": record.day,
            "created_at": record.created_at,
        }
        with self._db.write(f"{record.kind} of interaction {record.interaction_id!r}") as conn:
            conn.execute(feedback.insert().values(values))

    def analytics(self, account: str, first_day: str, last_day: str) -> list[DailyCounts]:
        """Counts per UTC day in [first_day, last_day] with at least one interaction, ordered by day."""
        i, f = interactions.c, feedback.c
        attempts_query = (
            select(
                i.day, func.count().label("attempts"), func.sum(case((i.n_offered > 0, 1), else_=0)).label("offered")
            )
            .where(i.account == account, i.day.between(first_day, last_day))
            .group_by(i.day)
            .order_by(i.day)
        )
        feedback_query = (
            select(f.day, f.kind, f.reason, func.count().label("n"))
            .where(f.account == account, f.day.between(first_day, last_day))
            .group_by(f.day, f.kind, f.reason)
        )
        with self._db.read(f"analytics of account {account!r}") as conn:
            attempts = conn.execute(attempts_query).all()
            by_day: dict[str, dict[str, int]] = {}
            for day, kind, reason, n in conn.execute(feedback_query):
                by_day.setdefault(day, {})["resolution" if kind == "resolution" else reason] = int(n)
        days = []
        for day, total, offered in attempts:
            counts = by_day.get(day, {})
            days.append(
                DailyCounts(
                    day=day,
                    attempts=int(total),
                    offered=int(offered),
                    unoffered=int(total) - int(offered),
                    resolutions=counts.get("resolution", 0),
                    rejections={reason: counts.get(reason, 0) for reason in REJECTION_REASONS},
                )
            )
        return days

    def recent_scores(self, account: str, last: int) -> list[ScoredInteraction]:
        """The account's ``last`` most recent interactions (newest first): top score, resolved, rejected."""
        i, f = interactions.c, feedback.c

        def has(kind: str) -> Exists:
            same = and_(f.account == i.account, f.interaction_id == i.interaction_id, f.kind == kind)
            return exists().where(same)

        query = (
            select(i.top_score, has("resolution").label("resolved"), has("rejection").label("rejected"))
            .where(i.account == account)
            .order_by(i.created_at.desc(), i.interaction_id.desc())
            .limit(last)
        )
        with self._db.read(f"recent scores of account {account!r}") as conn:
            return [
                ScoredInteraction(None if score is None else float(score), bool(resolved), bool(rejected))
                for score, resolved, rejected in conn.execute(query)
            ]

    def labelled_enquiries(
        self, after: str | None = None, before: str | None = None, shared_only: bool = True
    ) -> list[LabelledEnquiry]:
        """Every resolution and rejection of an interaction whose enquiry was kept, created in [after, before)
        (ISO UTC times, interaction time), of accounts that share feedback (``shared_only``); oldest first."""
        i, f, a = interactions.c, feedback.c, accounts.c
        query = (
            select(i.account, i.interaction_id, i.created_at, i.enquiry, f.kind, f.article_id)
            .select_from(
                interactions.join(feedback, and_(f.account == i.account, f.interaction_id == i.interaction_id)).join(
                    accounts, a.account_id == i.account
                )
            )
            .where(i.enquiry.is_not(None), f.article_id != "")
            .order_by(i.created_at, i.account, i.interaction_id, f.kind, f.article_id)
        )
        if shared_only:
            query = query.where(a.share_feedback.is_(True))
        if after is not None:
            query = query.where(i.created_at >= after)
        if before is not None:
            query = query.where(i.created_at < before)
        with self._db.read("labelled enquiries") as conn:
            return [LabelledEnquiry(*row) for row in conn.execute(query)]
