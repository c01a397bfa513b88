"""Article stores behind one protocol: SQLite (default) and PostgreSQL."""

from answerbot.store.base import (
    REJECTION_REASONS,
    Account,
    ArticleStore,
    DailyCounts,
    Duplicate,
    FeedbackRecord,
    Interaction,
    StoredArticle,
    StoreError,
    VectorUpdate,
    content_hash,
    utc_now,
)
from answerbot.store.factory import open_store
from answerbot.store.sqlite import SqliteArticleStore

__all__ = [
    "REJECTION_REASONS",
    "Account",
    "ArticleStore",
    "DailyCounts",
    "Duplicate",
    "FeedbackRecord",
    "Interaction",
    "SqliteArticleStore",
    "StoreError",
    "StoredArticle",
    "VectorUpdate",
    "content_hash",
    "open_store",
    "utc_now",
]
