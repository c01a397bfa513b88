"""Open the configured store: PostgreSQL when ``ANSWERBOT_STORE_URL`` is set, else SQLite at the store path."""

from __future__ import annotations

from answerbot.settings import Settings
from answerbot.store.base import ArticleStore, StoreError

__all__ = ["open_store"]


def open_store(settings: Settings) -> ArticleStore:
    """The store the settings name."""
    url = settings.store_url
    if url is None:
        from answerbot.store.sqlite import SqliteArticleStore

        return SqliteArticleStore(settings.store_path)
    if url.startswith(("postgresql://", "postgres://")):
        from answerbot.store.postgres import PostgresArticleStore

        return PostgresArticleStore(url)
    scheme = url.split(":", 1)[0]
    raise StoreError(
        f"ANSWERBOT_STORE_URL has scheme {scheme!r}, which is not supported; "
        "use postgresql://user@host:port/db, or unset it for SQLite"
    )
