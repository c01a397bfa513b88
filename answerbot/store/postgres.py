"""PostgreSQL article store (psycopg 3): the same tables as SQLite, vectors as BYTEA float32.

One connection per store, shared by threads behind a lock; run several API replicas for more throughput.
``schema`` puts the tables in a schema of their own (created when missing), e.g. one per test session.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg
from psycopg.rows import dict_row

from answerbot.store.base import StoreError
from answerbot.store.sql import Row, SqlStore, split_statements

__all__ = ["SCHEMA_VERSION", "PostgresArticleStore"]

SCHEMA_VERSION = 3

_DDL = """
CREATE TABLE IF NOT EXISTS answerbot_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    account       TEXT NOT NULL CHECK (length(account) BETWEEN 1 AND 128),
    article_id    TEXT NOT NULL CHECK (length(article_id) BETWEEN 1 AND 128),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    locale        TEXT,
    labels        TEXT NOT NULL CHECK (left(labels, 1) = '['),
    content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
    vector        BYTEA,
    dim           INTEGER CHECK (dim > 0),
    model_version TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (account, article_id),
    CHECK ((vector IS NULL) = (model_version IS NULL) AND (vector IS NULL) = (dim IS NULL)),
    CHECK (vector IS NULL OR length(vector) = 4 * dim)
);
CREATE INDEX IF NOT EXISTS articles_by_version ON articles (model_version, account);
CREATE TABLE IF NOT EXISTS accounts (
    account_id      TEXT PRIMARY KEY CHECK (length(account_id) BETWEEN 1 AND 128),
    key_hash        TEXT UNIQUE CHECK (key_hash IS NULL OR length(key_hash) = 64),
    score_threshold DOUBLE PRECISION CHECK (score_threshold IS NULL OR score_threshold BETWEEN -1 AND 1),
    hybrid          BOOLEAN NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS interactions (
    account        TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    day            TEXT NOT NULL CHECK (length(day) = 10),
    language       TEXT NOT NULL,
    offered        TEXT NOT NULL,
    n_offered      INTEGER NOT NULL CHECK (n_offered >= 0),
    PRIMARY KEY (account, interaction_id)
);
CREATE INDEX IF NOT EXISTS interactions_by_day ON interactions (account, day);
CREATE TABLE IF NOT EXISTS feedback (
    account        TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('resolution', 'rejection')),
    article_id     TEXT NOT NULL,
    reason         TEXT CHECK ((kind = 'resolution') = (reason IS NULL)),
    day            TEXT NOT NULL CHECK (length(day) = 10),
    created_at     TEXT NOT NULL,
    UNIQUE (account, interaction_id, kind, article_id),
    FOREIGN KEY (account, interaction_id) REFERENCES interactions (account, interaction_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS one_resolution ON feedback (account, interaction_id) WHERE kind = 'resolution';
CREATE INDEX IF NOT EXISTS feedback_by_day ON feedback (account, day);
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS lexical_fallback BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS active_version TEXT;
CREATE TABLE IF NOT EXISTS article_vectors (
    account       TEXT NOT NULL,
    article_id    TEXT NOT NULL,
    model_version TEXT NOT NULL,
    content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
    vector        BYTEA NOT NULL,
    dim           INTEGER NOT NULL CHECK (dim > 0),
    job           TEXT,
    PRIMARY KEY (account, article_id, model_version),
    CHECK (length(vector) = 4 * dim)
);
CREATE INDEX IF NOT EXISTS article_vectors_by_version ON article_vectors (account, model_version, article_id);
CREATE TABLE IF NOT EXISTS reencode_jobs (
    job_key       TEXT PRIMARY KEY,
    job_id        TEXT NOT NULL,
    model_version TEXT NOT NULL,
    started_at    TEXT NOT NULL
)
"""

# Version 3 (issue 7): copy the vectors of schema-2 stores into article_vectors, once.
_COPY_VECTORS = (
    "INSERT INTO article_vectors (account, article_id, model_version, content_hash, vector, dim, job) "
    "SELECT account, article_id, model_version, content_hash, vector, dim, NULL FROM articles "
    "WHERE vector IS NOT NULL ON CONFLICT DO NOTHING"
)

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class _PgTx:
    def __init__(self, cursor: psycopg.Cursor[Row]) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        self._cursor.execute(_pg(sql), params)
        return self._cursor.rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self._cursor.executemany(_pg(sql), rows)


def _pg(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (no query here has a literal ``?`` or ``%``)."""
    return sql.replace("?", "%s")


class PostgresArticleStore(SqlStore):
    """``ArticleStore`` in PostgreSQL at ``url`` (``postgresql://user@host:port/db``)."""

    _unique_violation = (psycopg.errors.UniqueViolation,)
    _db_error = (psycopg.Error,)
    _lock_articles = "LOCK TABLE articles IN SHARE ROW EXCLUSIVE MODE"  # writers wait while an account switches

    def __init__(self, url: str, schema: str = "public") -> None:
        if not _SCHEMA_NAME.fullmatch(schema):
            raise StoreError(f"schema {schema!r} is invalid; use lower-case letters, digits and '_'")
        self.schema = schema
        self._lock = threading.RLock()
        try:
            self._conn: psycopg.Connection[Row] = psycopg.connect(
                url, autocommit=True, row_factory=dict_row, connect_timeout=5
            )
            self._conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            self._conn.execute(f'SET search_path TO "{schema}"')
            self._migrate()
        except psycopg.Error as e:
            raise StoreError(
                f"cannot open PostgreSQL article store (ANSWERBOT_STORE_URL, schema {schema!r}): {e}; "
                "check the server is up and the URL"
            ) from e

    def _migrate(self) -> None:
        with self._transaction() as tx:
            self._conn.execute("SELECT pg_advisory_xact_lock(4242)")
            for statement in split_statements(_DDL):
                tx.execute(statement)
            rows = self._conn.execute("SELECT value FROM answerbot_meta WHERE key = 'schema_version'").fetchall()
            version = int(rows[0]["value"]) if rows else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"PostgreSQL schema {self.schema!r} has answerbot schema version {version}, newer than the "
                    f"supported {SCHEMA_VERSION}; upgrade answerbot or use another schema"
                )
            if version < 3:
                tx.execute(_COPY_VECTORS)
            self._conn.execute(
                "INSERT INTO answerbot_meta (key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )

    @contextmanager
    def _transaction(self) -> Iterator[_PgTx]:
        """Hold the lock and run the block in one transaction, rolled back on any error."""
        with self._lock, self._conn.transaction(), self._conn.cursor() as cursor:
            yield _PgTx(cursor)

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        with self._lock:
            try:
                return self._conn.execute(_pg(sql), params).fetchall()
            except psycopg.Error as e:
                raise StoreError(f"article store query failed: {e}") from e

    def drop_schema(self) -> None:
        """Drop this store's schema and everything in it (tests); refuses the public schema."""
        if self.schema == "public":
            raise StoreError("refusing to drop the public schema")
        with self._lock:
            self._conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        with self._lock:
            self._conn.close()
