"""SQLite article store: one file, WAL mode, vectors as little-endian float32 BLOBs."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from answerbot.store.base import StoreError
from answerbot.store.sql import Row, SqlStore, split_statements

__all__ = ["SCHEMA_VERSION", "SqliteArticleStore"]

SCHEMA_VERSION = 3

_ARTICLES = """
CREATE TABLE IF NOT EXISTS articles (
    account       TEXT NOT NULL CHECK (length(account) BETWEEN 1 AND 128),
    article_id    TEXT NOT NULL CHECK (length(article_id) BETWEEN 1 AND 128),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    locale        TEXT,
    labels        TEXT NOT NULL CHECK (json_valid(labels) AND json_type(labels) = 'array'),
    content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
    vector        BLOB,
    dim           INTEGER CHECK (dim > 0),
    model_version TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (account, article_id),
    CHECK ((vector IS NULL) = (model_version IS NULL) AND (vector IS NULL) = (dim IS NULL)),
    CHECK (vector IS NULL OR length(vector) = 4 * dim)
) STRICT;
CREATE INDEX IF NOT EXISTS articles_by_version ON articles (model_version, account);
"""

# Version 2: tenants, interactions and feedback. Accounts that already had articles get a row without a key.
_TENANCY = """
CREATE TABLE IF NOT EXISTS accounts (
    account_id      TEXT PRIMARY KEY CHECK (length(account_id) BETWEEN 1 AND 128),
    key_hash        TEXT UNIQUE CHECK (key_hash IS NULL OR length(key_hash) = 64),
    score_threshold REAL CHECK (score_threshold IS NULL OR score_threshold BETWEEN -1 AND 1),
    hybrid          INTEGER NOT NULL CHECK (hybrid IN (0, 1)),
    created_at      TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS interactions (
    account        TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    day            TEXT NOT NULL CHECK (length(day) = 10),
    language       TEXT NOT NULL,
    offered        TEXT NOT NULL CHECK (json_valid(offered)),
    n_offered      INTEGER NOT NULL CHECK (n_offered >= 0),
    PRIMARY KEY (account, interaction_id)
) STRICT;
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
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS one_resolution ON feedback (account, interaction_id) WHERE kind = 'resolution';
CREATE INDEX IF NOT EXISTS feedback_by_day ON feedback (account, day);
INSERT OR IGNORE INTO accounts (account_id, key_hash, score_threshold, hybrid, created_at)
    SELECT DISTINCT account, NULL, NULL, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM articles;
"""


# Version 3 (issue 7): vectors per model version, re-encoding jobs; existing vectors are copied over.
_VERSIONS = """
CREATE TABLE IF NOT EXISTS article_vectors (
    account       TEXT NOT NULL,
    article_id    TEXT NOT NULL,
    model_version TEXT NOT NULL,
    content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
    vector        BLOB NOT NULL,
    dim           INTEGER NOT NULL CHECK (dim > 0),
    job           TEXT,
    PRIMARY KEY (account, article_id, model_version),
    CHECK (length(vector) = 4 * dim)
) STRICT;
CREATE INDEX IF NOT EXISTS article_vectors_by_version ON article_vectors (account, model_version, article_id);
CREATE TABLE IF NOT EXISTS reencode_jobs (
    job_key       TEXT PRIMARY KEY,
    job_id        TEXT NOT NULL,
    model_version TEXT NOT NULL,
    started_at    TEXT NOT NULL
) STRICT;
INSERT INTO article_vectors (account, article_id, model_version, content_hash, vector, dim, job)
    SELECT account, article_id, model_version, content_hash, vector, dim, NULL FROM articles
    WHERE vector IS NOT NULL ON CONFLICT DO NOTHING;
"""

# Added columns (issue 8): applied whenever missing, independent of SCHEMA_VERSION; additive, with defaults.
_ADDED_COLUMNS = {
    ("accounts", "lexical_fallback"): "INTEGER NOT NULL DEFAULT 0 CHECK (lexical_fallback IN (0, 1))",
    ("accounts", "active_version"): "TEXT",  # issue 7
}


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._conn.execute(sql, params).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self._conn.executemany(sql, rows)


class SqliteArticleStore(SqlStore):
    """``ArticleStore`` in one SQLite file; one connection shared by all threads behind a lock."""

    _unique_violation = (sqlite3.IntegrityError,)
    _db_error = (sqlite3.Error,)

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA busy_timeout = 5000")
            self._migrate()
        except sqlite3.Error as e:
            raise StoreError(f"cannot open article store {self.path}: {e}; check the path and permissions") from e

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"article store {self.path} has schema version {version}, newer than the supported "
                f"{SCHEMA_VERSION}; upgrade answerbot or point ANSWERBOT_STORE_PATH elsewhere"
            )
        if version < SCHEMA_VERSION:
            with self._transaction():
                for statement in split_statements(_ARTICLES + _TENANCY + _VERSIONS):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._add_columns()

    def _add_columns(self) -> None:
        """Add each column of ``_ADDED_COLUMNS`` its table lacks (one transaction)."""
        missing = [
            (table, column, spec)
            for (table, column), spec in _ADDED_COLUMNS.items()
            if column not in {row["name"] for row in self._conn.execute(f"PRAGMA table_info({table})")}
        ]
        if missing:
            with self._transaction():
                for table, column, spec in missing:
                    self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {spec}")

    @contextmanager
    def _transaction(self) -> Iterator[_SqliteTx]:
        """Hold the lock and run the block in one write transaction, rolled back on any error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self._conn)
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as e:
                raise StoreError(f"article store query failed: {e}") from e

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        with self._lock:
            self._conn.close()
