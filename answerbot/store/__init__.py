"""The article store on SQLAlchemy Core (SQLite default, PostgreSQL), one small repository per aggregate."""

from answerbot.store.errors import Duplicate, OverQuota, StoreError
from answerbot.store.jobs import job_key
from answerbot.store.records import (
    REJECTION_REASONS,
    Account,
    ArticleCounts,
    ArticleFilter,
    DailyCounts,
    FeedbackRecord,
    Interaction,
    LabelledEnquiry,
    PendingVector,
    ScoredInteraction,
    StoredArticle,
    content_hash,
    utc_now,
)
from answerbot.store.store import Store, open_store

__all__ = [
    "REJECTION_REASONS",
    "Account",
    "ArticleCounts",
    "ArticleFilter",
    "DailyCounts",
    "Duplicate",
    "FeedbackRecord",
    "Interaction",
    "LabelledEnquiry",
    "OverQuota",
    "PendingVector",
    "ScoredInteraction",
    "Store",
    "StoreError",
    "StoredArticle",
    "content_hash",
    "job_key",
    "open_store",
    "utc_now",
]
