"""SQLite article store: one file, WAL mode, vectors as little-endian float32 BLOBs."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from answerbot.store.base import StoredArticle, StoreError, VectorUpdate

__all__ = ["SqliteArticleStore"]

SCHEMA_VERSION = 1

_SCHEMA = """
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

_COLUMNS = "account, article_id, title, body, locale, labels, content_hash, vector, dim, model_version, updated_at"
_VECTOR_DTYPE = np.dtype("<f4")
_MAX_PARAMS = 500

_Row = tuple[str, str, str, str, str | None, str, str, bytes | None, int | None, str | None, str]
_ArticleList = list[StoredArticle]
_IdsAndMatrix = tuple[list[str], np.ndarray]


def _vector_blob(vector: np.ndarray) -> bytes:
    array = np.asarray(vector)
    if array.ndim != 1 or array.size == 0:
        raise StoreError(f"vector has shape {array.shape}; expected a non-empty 1-D array")
    return np.ascontiguousarray(array, dtype=_VECTOR_DTYPE).tobytes()


def _to_row(article: StoredArticle) -> _Row:
    blob = None if article.vector is None else _vector_blob(article.vector)
    dim = None if blob is None else len(blob) // _VECTOR_DTYPE.itemsize
    labels = json.dumps(list(article.labels), ensure_ascii=False)
    return (
        article.account,
        article.article_id,
        article.title,
        article.body,
        article.locale,
        labels,
        article.content_hash,
        blob,
        dim,
        article.model_version,
        article.updated_at,
    )


def _from_row(row: sqlite3.Row) -> StoredArticle:
    blob = row["vector"]
    vector = None if blob is None else np.frombuffer(blob, dtype=_VECTOR_DTYPE).astype(np.float32)
    return StoredArticle(
        account=row["account"],
        article_id=row["article_id"],
        title=row["title"],
        body=row["body"],
        locale=row["locale"],
        labels=tuple(json.loads(row["labels"])),
        content_hash=row["content_hash"],
        vector=vector,
        model_version=row["model_version"],
        updated_at=row["updated_at"],
    )


class SqliteArticleStore:
    """``ArticleStore`` in one SQLite file; one connection shared by all threads behind a lock."""

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
            with self._transaction() as conn:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run the block in one write transaction, rolled back on any error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as e:
                raise StoreError(f"article store query failed: {e}") from e

    def upsert_many(self, articles: Sequence[StoredArticle]) -> None:
        """Insert or replace all ``articles`` in one transaction: all are written or none."""
        rows = [_to_row(article) for article in articles]
        placeholders = ", ".join("?" * len(_COLUMNS.split(",")))
        try:
            with self._transaction() as conn:
                conn.executemany(f"INSERT OR REPLACE INTO articles ({_COLUMNS}) VALUES ({placeholders})", rows)
        except sqlite3.Error as e:
            raise StoreError(f"could not write {len(rows)} articles, none was written: {e}") from e

    def get(self, account: str, article_id: str) -> StoredArticle | None:
        """The article, or None."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM articles WHERE account = ? AND article_id = ?", (account, article_id)
        )
        return _from_row(rows[0]) if rows else None

    def get_many(self, account: str, article_ids: Sequence[str]) -> dict[str, StoredArticle]:
        """The articles among ``article_ids`` that exist, keyed by id."""
        found: dict[str, StoredArticle] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), _MAX_PARAMS):
            chunk = ids[start : start + _MAX_PARAMS]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT {_COLUMNS} FROM articles WHERE account = ? AND article_id IN ({marks})"
            for row in self._query(sql, (account, *chunk)):
                found[row["article_id"]] = _from_row(row)
        return found

    def list(self, account: str, limit: int, offset: int) -> _ArticleList:
        """One page of the account's articles, ordered by id."""
        sql = f"SELECT {_COLUMNS} FROM articles WHERE account = ? ORDER BY article_id LIMIT ? OFFSET ?"
        return [_from_row(row) for row in self._query(sql, (account, limit, offset))]

    def count(self, account: str | None = None) -> int:
        """Number of articles of ``account``, or of all accounts when None."""
        if account is None:
            return int(self._query("SELECT count(*) FROM articles")[0][0])
        return int(self._query("SELECT count(*) FROM articles WHERE account = ?", (account,))[0][0])

    def delete(self, account: str, article_id: str) -> bool:
        """Delete the article; False when it did not exist."""
        try:
            with self._transaction() as conn:
                cursor = conn.execute(
                    "DELETE FROM articles WHERE account = ? AND article_id = ?", (account, article_id)
                )
        except sqlite3.Error as e:
            raise StoreError(f"could not delete article {article_id!r} of account {account!r}: {e}") from e
        return cursor.rowcount > 0

    def account_exists(self, account: str) -> bool:
        """Whether the account has at least one article."""
        return bool(self._query("SELECT 1 FROM articles WHERE account = ? LIMIT 1", (account,)))

    def vectors(self, account: str, model_version: str) -> _IdsAndMatrix:
        """Ids (ordered) and float32 matrix [n, dim] of the account's vectors from ``model_version``."""
        rows = self._query(
            "SELECT article_id, vector, dim FROM articles WHERE account = ? AND model_version = ? ORDER BY article_id",
            (account, model_version),
        )
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        dims = {row["dim"] for row in rows}
        if len(dims) != 1:
            raise StoreError(
                f"account {account!r} has vectors of model version {model_version!r} with several "
                f"dimensions {sorted(dims)}; re-encode the account"
            )
        matrix = np.frombuffer(b"".join(row["vector"] for row in rows), dtype=_VECTOR_DTYPE)
        return [row["article_id"] for row in rows], matrix.reshape(len(rows), dims.pop()).astype(np.float32)

    def stale(self, model_version: str, account: str | None = None) -> _ArticleList:
        """Articles whose vector is missing or from another model version, ordered by account and id."""
        sql = f"SELECT {_COLUMNS} FROM articles WHERE (model_version IS NULL OR model_version != ?)"
        params: tuple[str, ...] = (model_version,)
        if account is not None:
            sql += " AND account = ?"
            params += (account,)
        return [_from_row(row) for row in self._query(sql + " ORDER BY account, article_id", params)]

    def set_vectors(self, account: str, updates: Sequence[VectorUpdate], model_version: str) -> int:
        """Store vectors in one transaction, skipping articles whose content hash changed meanwhile."""
        rows = []
        for article_id, expected_hash, vector in updates:
            blob = _vector_blob(vector)
            rows.append((blob, len(blob) // _VECTOR_DTYPE.itemsize, model_version, account, article_id, expected_hash))
        updated = 0
        try:
            with self._transaction() as conn:
                for row in rows:
                    updated += conn.execute(
                        "UPDATE articles SET vector = ?, dim = ?, model_version = ? "
                        "WHERE account = ? AND article_id = ? AND content_hash = ?",
                        row,
                    ).rowcount
        except sqlite3.Error as e:
            raise StoreError(f"could not store {len(rows)} vectors of account {account!r}: {e}") from e
        return updated

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        with self._lock:
            self._conn.close()
