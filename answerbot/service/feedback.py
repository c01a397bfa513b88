"""Feedback on recommendations (a resolution, or a rejection with a reason), per-day analytics, and the
distribution of recent interactions' top scores with their feedback."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from answerbot.service.errors import Conflict, InteractionNotFound, InvalidInput
from answerbot.service.interaction_log import InteractionLog, interaction_age_s
from answerbot.service.scores import MAX_BIN_WIDTH, MAX_RECENT, MIN_BIN_WIDTH, ScoreDistribution, score_distribution
from answerbot.service.validation import check_id
from answerbot.store import REJECTION_REASONS, DailyCounts, Duplicate, FeedbackRecord, Interaction, Store, utc_now

__all__ = ["MAX_ANALYTICS_DAYS", "FeedbackKind", "FeedbackService", "RejectionReason"]

MAX_ANALYTICS_DAYS = 366
_QUEUED_WAIT_S = 30.0
"""How long feedback waits for an interaction this process still has queued (then 503: the store is failing)."""
_POLL_S = 0.02


class FeedbackKind(StrEnum):
    RESOLUTION = "resolution"
    REJECTION = "rejection"


class RejectionReason(StrEnum):
    UNKNOWN = "unknown"
    NOT_RELATED = "not_related"
    RELATED_BUT_DID_NOT_ANSWER = "related_but_did_not_answer"


assert tuple(RejectionReason) == REJECTION_REASONS


class FeedbackService:
    """Records feedback against an account's interactions and counts outcomes per day.

    Interactions are written behind the request (``InteractionLog``): feedback on one still queued in this
    process waits until it is written; on an unknown id made less than ``wait_s`` ago (another process may
    still have it queued) the store is asked again until the id is ``wait_s`` old, and only then is it 404.
    """

    def __init__(self, store: Store, interactions: InteractionLog, wait_s: float = 2.0) -> None:
        self.store = store
        self.interactions = interactions
        self.wait_s = wait_s

    def _interaction(self, account: str, interaction_id: str) -> Interaction:
        self.interactions.wait(account, interaction_id, _QUEUED_WAIT_S)
        while True:
            found = self.store.interactions.get(account, interaction_id)
            if found is not None:
                return found
            age = interaction_age_s(interaction_id)
            if age is None or not -self.wait_s <= age < self.wait_s:
                raise InteractionNotFound(account, interaction_id)
            time.sleep(_POLL_S)

    def record(
        self,
        account: str,
        interaction_id: str,
        kind: FeedbackKind,
        article_id: str | None = None,
        reason: RejectionReason | None = None,
    ) -> FeedbackRecord:
        """Store one feedback event.

        A resolution names the offered article that solved the ticket; an interaction has at most one.
        A rejection has a reason (default ``unknown``) and may name the offered article it rejects, once each.
        """
        check_id(interaction_id, "interaction_id", "interaction id")
        interaction = self._interaction(account, interaction_id)
        if kind is FeedbackKind.RESOLUTION:
            if reason is not None:
                raise InvalidInput(
                    "reason", "a resolution has no reason; send reason only with type 'rejection'", in_body=True
                )
            if article_id is None:
                raise InvalidInput(
                    "article_id", "a resolution needs article_id: the offered article that solved it", in_body=True
                )
        else:
            reason = reason or RejectionReason.UNKNOWN
        if article_id is not None and article_id not in interaction.offered:
            offered = ", ".join(interaction.offered) or "none"
            raise InvalidInput(
                "article_id",
                f"article {article_id!r} was not offered in this interaction (offered: {offered})",
                in_body=True,
            )
        record = FeedbackRecord(
            account=account,
            interaction_id=interaction_id,
            kind=kind.value,
            article_id=article_id,
            reason=None if reason is None else reason.value,
            day=interaction.day,
            created_at=utc_now(),
        )
        try:
            self.store.feedback.add(record)
        except Duplicate as e:
            what = "a resolution" if kind is FeedbackKind.RESOLUTION else "a rejection of this article"
            raise Conflict("interaction_id", f"interaction {interaction_id!r} already has {what}") from e
        return record

    def analytics(
        self, account: str, first: date | None = None, last: date | None = None
    ) -> tuple[date, date, list[DailyCounts]]:
        """The range used and the counts per UTC day in it (default: the 30 days up to today)."""
        last = last or datetime.now(UTC).date()
        first = first or last - timedelta(days=29)
        if first > last:
            raise InvalidInput("from", f"from={first} is after to={last}; swap them")
        if (last - first).days >= MAX_ANALYTICS_DAYS:
            raise InvalidInput("from", f"the range {first}..{last} exceeds {MAX_ANALYTICS_DAYS} days; narrow it")
        self.interactions.flush(_QUEUED_WAIT_S)  # this process's recommendations count at once
        return first, last, self.store.feedback.analytics(account, first.isoformat(), last.isoformat())

    def score_distribution(self, account: str, last: int = 1000, bin_width: float = 0.02) -> ScoreDistribution:
        """The top scores of the account's ``last`` interactions, binned by ``bin_width``, with their feedback."""
        if not 1 <= last <= MAX_RECENT:
            raise InvalidInput("last", f"last={last} is out of range; use 1 to {MAX_RECENT}")
        if not MIN_BIN_WIDTH <= bin_width <= MAX_BIN_WIDTH:
            raise InvalidInput(
                "bin_width", f"bin_width={bin_width} is out of range; use {MIN_BIN_WIDTH} to {MAX_BIN_WIDTH}"
            )
        self.interactions.flush(_QUEUED_WAIT_S)  # this process's recommendations count at once
        return score_distribution(self.store.feedback.recent_scores(account, last), bin_width)
