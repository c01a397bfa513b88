"""``Store``: one database and its repositories, opened with the schema migrated to the newest revision."""

from __future__ import annotations

from pathlib import Path

from answerbot.settings import Settings
from answerbot.store.accounts import AccountRepository
from answerbot.store.articles import ArticleRepository
from answerbot.store.database import Database
from answerbot.store.errors import StoreError
from answerbot.store.feedback import FeedbackRepository
from answerbot.store.interactions import InteractionRepository
from answerbot.store.jobs import JobRepository
from answerbot.store.migrate import upgrade
from answerbot.store.vectors import VectorRepository

__all__ = ["Store", "open_store"]


class Store:
    """The article store: ``articles``, ``vectors``, ``jobs``, ``accounts``, ``interactions``, ``feedback``.

    Every repository is safe to use from several threads (each call checks a connection out of the pool).
    """

    def __init__(self, db: Database) -> None:
        try:
            upgrade(db)
        except BaseException:
            db.close()
            raise
        self.db = db
        self.articles = ArticleRepository(db)
        self.vectors = VectorRepository(db)
        self.jobs = JobRepository(db)
        self.accounts = AccountRepository(db)
        self.interactions = InteractionRepository(db)
        self.feedback = FeedbackRepository(db)

    @classmethod
    def sqlite(cls, path: Path | str) -> Store:
        """The store in the SQLite file ``path`` (created with its folder when missing)."""
        return cls(Database.sqlite(path))

    @classmethod
    def postgres(cls, url: str, schema: str = "public", pool_size: int = 5) -> Store:
        """The store in PostgreSQL at ``url``, tables in ``schema`` (created when missing)."""
        return cls(Database.postgres(url, schema=schema, pool_size=pool_size))

    def ping(self) -> None:
        """A trivial query; StoreError when the store is unreachable."""
        self.db.ping()

    def drop_schema(self) -> None:
        """Drop a PostgreSQL store's own schema (tests)."""
        self.db.drop_schema()

    def close(self) -> None:
        """Release every connection; the store is unusable afterwards."""
        self.db.close()


def open_store(settings: Settings) -> Store:
    """The store the settings name: PostgreSQL when ``ANSWERBOT_STORE_URL`` is set, else SQLite at the store path."""
    url = settings.store_url
    if url is None:
        return Store.sqlite(settings.store_path)
    if url.startswith(("postgresql://", "postgres://")):
        return Store.postgres(url, pool_size=settings.store_pool_size)
    scheme = url.split(":", 1)[0]
    raise StoreError(
        f"ANSWERBOT_STORE_URL has scheme {scheme!r}, which is not supported; "
        "use postgresql://user@host:port/db, or unset it for SQLite"
    )
