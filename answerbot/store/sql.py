"""The SQL both stores share: tables, queries and row mapping; subclasses supply connection and dialect.

Queries use ``?`` placeholders (PostgreSQL's subclass rewrites them to ``%s``) and only syntax that SQLite
(>= 3.24) and PostgreSQL share, e.g. ``INSERT ... ON CONFLICT ... DO UPDATE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import numpy as np

from answerbot.store.base import (
    REJECTION_REASONS,
    Account,
    DailyCounts,
    Duplicate,
    FeedbackRecord,
    Interaction,
    StoredArticle,
    StoreError,
    VectorUpdate,
)
from answerbot.store.versions import VersionedVectors

__all__ = ["SqlStore", "Transaction"]

COLUMNS = "account, article_id, title, body, locale, labels, content_hash, vector, dim, model_version, updated_at"
_UPDATE_COLUMNS = [c.strip() for c in COLUMNS.split(",")][2:]
_UPSERT = (
    f"INSERT INTO articles ({COLUMNS}) VALUES ({', '.join('?' * 11)}) ON CONFLICT (account, article_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _UPDATE_COLUMNS)
)
_ACCOUNT_COLUMNS = "account_id, key_hash, score_threshold, hybrid, created_at, lexical_fallback"
_ACCOUNT_SELECT = _ACCOUNT_COLUMNS + ", active_version"
VECTOR_DTYPE = np.dtype("<f4")
_MAX_PARAMS = 500
_VECTOR_UPSERT = (
    "INSERT INTO article_vectors (account, article_id, model_version, content_hash, vector, dim, job) "
    "VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (account, article_id, model_version) DO UPDATE SET "
    "content_hash = excluded.content_hash, vector = excluded.vector, dim = excluded.dim, job = NULL"
)
_A_COLUMNS = (
    "a.account, a.article_id, a.title, a.body, a.locale, a.labels, a.content_hash, v.vector, v.dim, "
    "v.model_version, a.updated_at"
)
_JOIN_VECTORS = (
    "FROM articles a JOIN article_vectors v ON v.account = a.account AND v.article_id = a.article_id "
    "AND v.content_hash = a.content_hash"
)

Row = Mapping[str, Any]
_ArticleList = list[StoredArticle]
_IdsAndMatrix = tuple[list[str], np.ndarray]


class Transaction(Protocol):
    """What a write transaction offers: run statements, get affected row counts."""

    def execute(self, sql: str, params: Sequence[object] = ()) -> int: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None: ...


def vector_blob(vector: np.ndarray) -> bytes:
    array = np.asarray(vector)
    if array.ndim != 1 or array.size == 0:
        raise StoreError(f"vector has shape {array.shape}; expected a non-empty 1-D array")
    return np.ascontiguousarray(array, dtype=VECTOR_DTYPE).tobytes()


def _to_row(article: StoredArticle) -> tuple[object, ...]:
    blob = None if article.vector is None else vector_blob(article.vector)
    dim = None if blob is None else len(blob) // VECTOR_DTYPE.itemsize
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


def _from_row(row: Row) -> StoredArticle:
    blob = row["vector"]
    vector = None if blob is None else np.frombuffer(bytes(blob), dtype=VECTOR_DTYPE).astype(np.float32)
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


def _account(row: Row) -> Account:
    threshold = row["score_threshold"]
    return Account(
        account_id=row["account_id"],
        key_hash=row["key_hash"],
        score_threshold=None if threshold is None else float(threshold),
        hybrid=bool(row["hybrid"]),
        created_at=row["created_at"],
        lexical_fallback=bool(row["lexical_fallback"]),
        active_version=row["active_version"],
    )


def _interaction(row: Row) -> Interaction:
    return Interaction(
        account=row["account"],
        interaction_id=row["interaction_id"],
        created_at=row["created_at"],
        day=row["day"],
        language=row["language"],
        offered=tuple(json.loads(row["offered"])),
    )


class SqlStore(VersionedVectors):
    """Every ``ArticleStore`` method over ``_query`` and ``_transaction``, which subclasses implement.

    Vectors live per model version in ``article_vectors`` (see ``answerbot.store.versions``); the article
    row keeps a copy of the vector last written or activated, which ``get`` and ``list`` return.
    """

    _name = "article store"
    _unique_violation: tuple[type[BaseException], ...] = ()
    _db_error: tuple[type[BaseException], ...] = ()

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Transaction]:
        raise NotImplementedError

    def _write(self, what: str, sql: str, params: Sequence[object]) -> int:
        """One statement in its own transaction; unique violations become Duplicate."""
        try:
            with self._transaction() as tx:
                return tx.execute(sql, params)
        except self._unique_violation as e:
            raise Duplicate(f"{what}: already exists") from e
        except self._db_error as e:
            raise StoreError(f"{what} failed: {e}") from e

    # articles

    def upsert_many(self, articles: Sequence[StoredArticle]) -> None:
        """Insert or replace all ``articles`` in one transaction: all are written or none."""
        rows = [_to_row(article) for article in articles]
        vectors = [(r[0], r[1], r[9], r[6], r[7], r[8]) for r in rows if r[7] is not None]
        try:
            with self._transaction() as tx:
                tx.executemany(_UPSERT, rows)
                if vectors:
                    tx.executemany(_VECTOR_UPSERT, vectors)
        except self._db_error as e:
            raise StoreError(f"could not write {len(rows)} articles, none was written: {e}") from e

    def get(self, account: str, article_id: str) -> StoredArticle | None:
        """The article, or None."""
        rows = self._query(
            f"SELECT {COLUMNS} FROM articles WHERE account = ? AND article_id = ?", (account, article_id)
        )
        return _from_row(rows[0]) if rows else None

    def get_many(self, account: str, article_ids: Sequence[str]) -> dict[str, StoredArticle]:
        """The articles among ``article_ids`` that exist, keyed by id."""
        found: dict[str, StoredArticle] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), _MAX_PARAMS):
            chunk = ids[start : start + _MAX_PARAMS]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT {COLUMNS} FROM articles WHERE account = ? AND article_id IN ({marks})"
            for row in self._query(sql, (account, *chunk)):
                found[row["article_id"]] = _from_row(row)
        return found

    def list(self, account: str, limit: int, offset: int) -> _ArticleList:
        """One page of the account's articles, ordered by id."""
        sql = f"SELECT {COLUMNS} FROM articles WHERE account = ? ORDER BY article_id LIMIT ? OFFSET ?"
        return [_from_row(row) for row in self._query(sql, (account, limit, offset))]

    def count(self, account: str | None = None) -> int:
        """Number of articles of ``account``, or of all accounts when None."""
        if account is None:
            return int(self._query("SELECT count(*) AS n FROM articles")[0]["n"])
        return int(self._query("SELECT count(*) AS n FROM articles WHERE account = ?", (account,))[0]["n"])

    def delete(self, account: str, article_id: str) -> bool:
        """Delete the article; False when it did not exist."""
        what = f"deleting article {article_id!r} of account {account!r}"
        try:
            with self._transaction() as tx:
                key = (account, article_id)
                tx.execute("DELETE FROM article_vectors WHERE account = ? AND article_id = ?", key)
                return tx.execute("DELETE FROM articles WHERE account = ? AND article_id = ?", key) > 0
        except self._db_error as e:
            raise StoreError(f"{what} failed: {e}") from e

    def account_exists(self, account: str) -> bool:
        """Whether the account has at least one article."""
        return bool(self._query("SELECT 1 AS one FROM articles WHERE account = ? LIMIT 1", (account,)))

    def vectors(self, account: str, model_version: str) -> _IdsAndMatrix:
        """Ids (ordered) and float32 matrix [n, dim] of the account's vectors from ``model_version``."""
        rows = self._query(
            f"SELECT a.article_id, v.vector, v.dim {_JOIN_VECTORS} WHERE a.account = ? AND v.model_version = ? "
            "ORDER BY a.article_id",
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
        matrix = np.frombuffer(b"".join(bytes(row["vector"]) for row in rows), dtype=VECTOR_DTYPE)
        return [row["article_id"] for row in rows], matrix.reshape(len(rows), dims.pop()).astype(np.float32)

    def with_vectors(self, account: str, model_version: str) -> _ArticleList:
        """The account's articles with a vector of ``model_version``, ordered by id (for the index)."""
        sql = f"SELECT {_A_COLUMNS} {_JOIN_VECTORS} WHERE a.account = ? AND v.model_version = ? ORDER BY a.article_id"
        return [_from_row(row) for row in self._query(sql, (account, model_version))]

    def stale(self, model_version: str, account: str | None = None) -> _ArticleList:
        """Articles without a vector of ``model_version`` made from their current content, by account and id."""
        if "\x00" in model_version:  # PostgreSQL text cannot hold NUL, so no stored version equals it
            sql, params = f"SELECT {COLUMNS} FROM articles", ()
            if account is not None:
                sql, params = sql + " WHERE account = ?", (account,)
            return [_from_row(row) for row in self._query(sql + " ORDER BY account, article_id", params)]
        return self.pending(model_version, account=account, limit=2**62)

    def set_vectors(self, account: str, updates: Sequence[VectorUpdate], model_version: str) -> int:
        """Store vectors in one transaction, skipping articles whose content hash changed meanwhile."""
        rows = []
        for article_id, expected_hash, vector in updates:
            blob = vector_blob(vector)
            rows.append((blob, len(blob) // VECTOR_DTYPE.itemsize, model_version, account, article_id, expected_hash))
        updated = 0
        try:
            with self._transaction() as tx:
                for row in rows:
                    n = tx.execute(
                        "UPDATE articles SET vector = ?, dim = ?, model_version = ? "
                        "WHERE account = ? AND article_id = ? AND content_hash = ?",
                        row,
                    )
                    if n:
                        tx.execute(_VECTOR_UPSERT, (row[3], row[4], row[2], row[5], row[0], row[1]))
                    updated += n
        except self._db_error as e:
            raise StoreError(f"could not store {len(rows)} vectors of account {account!r}: {e}") from e
        return updated

    # accounts

    def create_account(self, account: Account) -> None:
        """Insert the account; Duplicate when the id exists."""
        self._write(
            f"account {account.account_id!r}",
            f"INSERT INTO accounts ({_ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            (
                account.account_id,
                account.key_hash,
                account.score_threshold,
                account.hybrid,
                account.created_at,
                account.lexical_fallback,
            ),
        )

    def get_account(self, account_id: str) -> Account | None:
        """The account, or None."""
        rows = self._query(f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE account_id = ?", (account_id,))
        return _account(rows[0]) if rows else None

    def account_by_key_hash(self, key_hash: str) -> Account | None:
        """The account whose API key hashes to ``key_hash``, or None."""
        rows = self._query(f"SELECT {_ACCOUNT_SELECT} FROM accounts WHERE key_hash = ?", (key_hash,))
        return _account(rows[0]) if rows else None

    def update_account(self, account: Account) -> None:
        """Replace the stored key hash and settings of an existing account."""
        self._write(
            f"updating account {account.account_id!r}",
            "UPDATE accounts SET key_hash = ?, score_threshold = ?, hybrid = ?, lexical_fallback = ? "
            "WHERE account_id = ?",
            (account.key_hash, account.score_threshold, account.hybrid, account.lexical_fallback, account.account_id),
        )

    def list_accounts(self) -> list[Account]:
        """Every account, ordered by id."""
        return [_account(r) for r in self._query(f"SELECT {_ACCOUNT_SELECT} FROM accounts ORDER BY account_id")]

    # interactions and feedback

    def add_interaction(self, interaction: Interaction) -> None:
        """Record one recommendation request."""
        self._write(
            f"interaction {interaction.interaction_id!r}",
            "INSERT INTO interactions (account, interaction_id, created_at, day, language, offered, n_offered) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                interaction.account,
                interaction.interaction_id,
                interaction.created_at,
                interaction.day,
                interaction.language,
                json.dumps(list(interaction.offered)),
                len(interaction.offered),
            ),
        )

    def get_interaction(self, account: str, interaction_id: str) -> Interaction | None:
        """The interaction of this account, or None."""
        rows = self._query(
            "SELECT account, interaction_id, created_at, day, language, offered FROM interactions "
            "WHERE account = ? AND interaction_id = ?",
            (account, interaction_id),
        )
        return _interaction(rows[0]) if rows else None

    def add_feedback(self, feedback: FeedbackRecord) -> None:
        """Record feedback; Duplicate for a second resolution, or a second rejection of the same article."""
        self._write(
            f"{feedback.kind} of interaction {feedback.interaction_id!r}",
            "INSERT INTO feedback (account, interaction_id, kind, article_id, reason, day, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                feedback.account,
                feedback.interaction_id,
                feedback.kind,
                feedback.article_id or "",
                feedback.reason,
                feedback.day,
                feedback.created_at,
            ),
        )

    def analytics(self, account: str, first_day: str, last_day: str) -> list[DailyCounts]:
        """Counts per UTC day in [first_day, last_day] with at least one interaction, ordered by day."""
        params = (account, first_day, last_day)
        attempts = self._query(
            "SELECT day, count(*) AS attempts, sum(CASE WHEN n_offered > 0 THEN 1 ELSE 0 END) AS offered "
            "FROM interactions WHERE account = ? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day",
            params,
        )
        feedback: dict[str, dict[str, int]] = {}
        for row in self._query(
            "SELECT day, kind, reason, count(*) AS n FROM feedback WHERE account = ? AND day BETWEEN ? AND ? "
            "GROUP BY day, kind, reason",
            params,
        ):
            key = "resolution" if row["kind"] == "resolution" else row["reason"]
            feedback.setdefault(row["day"], {})[key] = int(row["n"])
        days = []
        for row in attempts:
            counts = feedback.get(row["day"], {})
            total, offered = int(row["attempts"]), int(row["offered"])
            days.append(
                DailyCounts(
                    day=row["day"],
                    attempts=total,
                    offered=offered,
                    unoffered=total - offered,
                    resolutions=counts.get("resolution", 0),
                    rejections={reason: counts.get(reason, 0) for reason in REJECTION_REASONS},
                )
            )
        return days

    def ping(self) -> None:
        """A trivial query; StoreError when the store is unreachable."""
        self._query("SELECT 1 AS one")


def split_statements(script: str) -> Iterator[str]:
    """The non-blank statements of a ``;``-separated script."""
    return (s.strip() for s in script.split(";") if s.strip())
