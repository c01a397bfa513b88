"""Records to rows and back (vectors as little-endian float32 bytes), and the dialect's upsert statement."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sqlalchemy import Connection, RowMapping, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

from answerbot.store.errors import StoreError
from answerbot.store.records import Account, Interaction, StoredArticle

__all__ = [
    "VECTOR_DTYPE",
    "account_from_row",
    "article_from_row",
    "article_to_row",
    "insert_or_ignore",
    "insert_or_update",
    "interaction_from_row",
    "vector_blob",
    "vector_from_blob",
]

VECTOR_DTYPE = np.dtype("<f4")


def vector_blob(vector: np.ndarray) -> bytes:
    """The vector as little-endian float32 bytes; StoreError unless it is a non-empty 1-D array."""
    array = np.asarray(vector)
    if array.ndim != 1 or array.size == 0:
        raise StoreError(f"vector has shape {array.shape}; expected a non-empty 1-D array")
    return np.ascontiguousarray(array, dtype=VECTOR_DTYPE).tobytes()


def vector_from_blob(blob: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype=VECTOR_DTYPE).astype(np.float32)


def article_to_row(article: StoredArticle) -> dict[str, Any]:
    blob = None if article.vector is None else vector_blob(article.vector)
    return {
        "account": article.account,
        "article_id": article.article_id,
        "title": article.title,
        "body": article.body,
        "locale": article.locale,
        "labels": json.dumps(list(article.labels), ensure_ascii=False),
        "content_hash": article.content_hash,
        "vector": blob,
        "dim": None if blob is None else len(blob) // VECTOR_DTYPE.itemsize,
        "model_version": article.model_version,
        "updated_at": article.updated_at,
    }


def _pick(row: RowMapping, *names: str) -> dict[str, Any]:
    """The columns that go into a record unchanged."""
    return {name: row[name] for name in names}


def article_from_row(row: RowMapping) -> StoredArticle:
    blob = row["vector"]
    return StoredArticle(
        **_pick(row, "account", "article_id", "title", "body", "locale", "content_hash", "model_version", "updated_at"),
        labels=tuple(json.loads(row["labels"])),
        vector=None if blob is None else vector_from_blob(blob),
    )


def account_from_row(row: RowMapping) -> Account:
    threshold, target = row["score_threshold"], row["target_precision"]
    return Account(
        **_pick(row, "account_id", "key_hash", "created_at", "active_version", "generation"),
        score_threshold=None if threshold is None else float(threshold),
        hybrid=bool(row["hybrid"]),
        lexical_fallback=bool(row["lexical_fallback"]),
        target_precision=None if target is None else float(target),
        share_feedback=bool(row["share_feedback"]),
    )


def interaction_from_row(row: RowMapping) -> Interaction:
    offered = tuple(json.loads(row["offered"]))
    score = row["top_score"]
    return Interaction(
        **_pick(row, "account", "interaction_id", "created_at", "day", "language"),
        offered=offered,
        top_score=None if score is None else float(score),
        enquiry=row["enquiry"],
    )


def _insert(conn: Connection, table: Table) -> PgInsert | SqliteInsert:
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


def insert_or_ignore(conn: Connection, table: Table, keys: list[str]) -> PgInsert | SqliteInsert:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` in the connection's dialect."""
    return _insert(conn, table).on_conflict_do_nothing(index_elements=keys)


def insert_or_update(
    conn: Connection, table: Table, keys: list[str], update: list[str], also: dict[str, Any] | None = None
) -> PgInsert | SqliteInsert:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE SET update = excluded.update`` (and ``also``'s column = expression
    on a conflict) in the connection's dialect."""
    statement = _insert(conn, table)
    return statement.on_conflict_do_update(
        index_elements=keys, set_={**{name: statement.excluded[name] for name in update}, **(also or {})}
    )
