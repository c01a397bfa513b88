"""Article stores behind one protocol (SQLite by default)."""

from answerbot.store.base import ArticleStore, StoredArticle, StoreError, VectorUpdate, content_hash, utc_now
from answerbot.store.sqlite import SqliteArticleStore

__all__ = [
    "ArticleStore",
    "SqliteArticleStore",
    "StoreError",
    "StoredArticle",
    "VectorUpdate",
    "content_hash",
    "utc_now",
]
