"""The records the store reads and writes: articles (with a vector of one model version), accounts,
interactions, feedback and daily counts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

__all__ = [
    "REJECTION_REASONS",
    "Account",
    "ArticleCounts",
    "ArticleFilter",
    "DailyCounts",
    "FeedbackRecord",
    "Interaction",
    "LabelledEnquiry",
    "PendingVector",
    "ScoredInteraction",
    "StoredArticle",
    "content_hash",
    "utc_now",
]

REJECTION_REASONS = ("unknown", "not_related", "related_but_did_not_answer")
"""Why an offered article was rejected, as Answer Bot platforms report it."""


@dataclass(frozen=True)
class Account:
    """A tenant: its API key is kept only as a SHA-256 hash; None settings fall back to the global ones."""

    account_id: str
    key_hash: str | None
    score_threshold: float | None
    hybrid: bool
    created_at: str
    lexical_fallback: bool = False
    """When the encoder is down, answer with BM25 results flagged as a lexical fallback instead of 503."""
    active_version: str | None = None
    """The model version the account is ranked with; None until the account's first vectors are written."""
    generation: int = 0
    """Bumped by every write that changes the account, its articles or its active vectors (cache invalidation)."""
    target_precision: float | None = None
    """The precision the account asks for instead of a score threshold (None: none); needs a calibration."""
    share_feedback: bool = True
    """Whether the account's resolutions and rejections may train the universal model."""


@dataclass(frozen=True)
class Interaction:
    """One recommendation request and what was offered; ``day`` is its UTC date (YYYY-MM-DD)."""

    account: str
    interaction_id: str
    created_at: str
    day: str
    language: str
    offered: tuple[str, ...]
    top_score: float | None = None
    """The best score the threshold was compared with (None: no article passed the filters, or not recorded)."""
    enquiry: str | None = None
    """The ticket's text (None: not recorded)."""

    @property
    def outcome(self) -> str:
        return "offered" if self.offered else "unoffered"


@dataclass(frozen=True)
class LabelledEnquiry:
    """One resolution or rejection with its interaction's enquiry text (what a feedback export reads)."""

    account: str
    interaction_id: str
    created_at: str
    enquiry: str
    kind: str
    article_id: str


@dataclass(frozen=True)
class FeedbackRecord:
    """A resolution (``reason`` None) or a rejection with its reason, tied to an interaction."""

    account: str
    interaction_id: str
    kind: str
    article_id: str | None
    reason: str | None
    day: str
    created_at: str


@dataclass(frozen=True)
class DailyCounts:
    """One account's numbers for one UTC day; rejections keyed by reason."""

    day: str
    attempts: int
    offered: int
    unoffered: int
    resolutions: int
    rejections: dict[str, int]


@dataclass(frozen=True)
class ScoredInteraction:
    """One recent interaction's top score (None when not recorded) and whether feedback resolved or rejected it."""

    top_score: float | None
    resolved: bool
    rejected: bool


@dataclass(frozen=True)
class ArticleFilter:
    """Which of an account's articles to list: ``text`` in the title or body (case-insensitive substring),
    of ``locale``, with at least one of ``labels``; None and empty mean no condition."""

    text: str | None = None
    locale: str | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleCounts:
    """An account's articles in all, per locale (None: no locale) and per label."""

    total: int
    locales: dict[str | None, int]
    labels: dict[str, int]


@dataclass(frozen=True)
class StoredArticle:
    """One article of one account; ``vector`` is None until encoded by model ``model_version``."""

    account: str
    article_id: str
    title: str
    body: str
    locale: str | None
    labels: tuple[str, ...]
    content_hash: str
    vector: np.ndarray | None = field(compare=False, repr=False)
    model_version: str | None
    updated_at: str


PendingVector = tuple[str, str, str, np.ndarray]
"""(account, article_id, content_hash the vector was computed from, vector)."""


def content_hash(title: str, body: str, locale: str | None, labels: Sequence[str]) -> str:
    """SHA-256 (hex) of everything that defines an article's content: title, body, locale and labels.

    Title and body are hashed apart, not as ``article_text``, so moving a line between them is a change.
    """
    payload = json.dumps([title, body, locale, list(labels)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def utc_now() -> str:
    """The current time as ISO-8601 UTC with microseconds, e.g. ``2025-01-31T12:00:00.000000Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
