"""Vectors per model version, and the atomic switch of an account's active version (issue 7).

Tables (both stores, schema version 3):

- ``article_vectors (account, article_id, model_version) -> content_hash, vector, dim, job``: every vector
  ever written, one row per article and model version (the primary key rules out duplicates). A vector
  counts for an article only while its ``content_hash`` equals the article's: an edit makes the old
  vectors stale without deleting them.
- ``accounts.active_version``: the model version the account is ranked with; NULL means "whatever
  version the serving process encodes with" (accounts never switched, e.g. created before issue 7).
- ``reencode_jobs (job_key) -> job_id, model_version, started_at``: a full re-encoding job in progress,
  so that a restarted job resumes (vectors it already wrote carry its ``job_id``) instead of starting over.

The ``articles`` row keeps a copy of the active vector (``vector``, ``model_version``): ``get``/``list``
show it, and the start-up compatibility check reads it. ``activate`` refreshes that copy and sets
``active_version`` in one transaction, after checking that every article of the account has an
up-to-date vector of the new version; readers that still hold the old version keep a complete set of
old vectors (nothing is deleted by the switch), so a ranking never mixes versions.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from answerbot.store.base import StoredArticle, StoreError, utc_now

__all__ = ["PendingVector", "VersionedVectors", "job_key"]

PendingVector = tuple[str, str, str, np.ndarray]
"""(account, article_id, content_hash the vector was computed from, vector)."""

_A = "a.account, a.article_id, a.title, a.body, a.locale, a.labels, a.content_hash, a.vector, a.dim, a.model_version"
_A_COLUMNS = _A + ", a.updated_at"
_VECTOR_DTYPE = np.dtype("<f4")


def job_key(model_version: str, account: str | None) -> str:
    """The key of a full re-encoding job: one per (model version, account or every account)."""
    return f"{model_version}/{account if account is not None else '*'}"


def _up_to_date(job: bool) -> str:
    """SQL: the article ``a`` has a vector of version ``?`` made from its current content (and by job ``?``)."""
    sql = (
        "EXISTS (SELECT 1 FROM article_vectors v WHERE v.account = a.account AND v.article_id = a.article_id "
        "AND v.model_version = ? AND v.content_hash = a.content_hash"
    )
    return sql + (" AND v.job = ?)" if job else ")")


class VersionedVectors:
    """The issue-7 store methods, mixed into ``SqlStore`` (which supplies ``_query`` and ``_transaction``)."""

    _db_error: tuple[type[BaseException], ...] = ()
    _lock_articles = ""  # PostgreSQL: a lock statement keeping writers out while an account switches

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def account_ids(self) -> list[str]:
        """Every account with a row or with articles, ordered."""
        rows = self._query("SELECT account_id AS a FROM accounts UNION SELECT DISTINCT account AS a FROM articles")
        return sorted(row["a"] for row in rows)

    def active_version(self, account: str) -> str | None:
        """The account's active model version, or None (never switched)."""
        rows = self._query("SELECT active_version FROM accounts WHERE account_id = ?", (account,))
        return rows[0]["active_version"] if rows else None

    def _pending_where(
        self, model_version: str, account: str | None, job: str | None
    ) -> tuple[str, tuple[object, ...]]:
        where = f"NOT {_up_to_date(job is not None)}"
        params: tuple[object, ...] = (model_version,) if job is None else (model_version, job)
        if account is not None:
            where += " AND a.account = ?"
            params += (account,)
        return where, params

    def pending(
        self,
        model_version: str,
        *,
        account: str | None = None,
        job: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int = 1000,
    ) -> list[StoredArticle]:
        """Up to ``limit`` articles lacking a vector of ``model_version`` made from their current content
        (and, when ``job`` is given, written by that job), ordered by (account, id) after ``after``."""
        from answerbot.store.sql import _from_row

        where, params = self._pending_where(model_version, account, job)
        if after is not None:
            where += " AND (a.account > ? OR (a.account = ? AND a.article_id > ?))"
            params += (after[0], after[0], after[1])
        sql = f"SELECT {_A_COLUMNS} FROM articles a WHERE {where} ORDER BY a.account, a.article_id LIMIT ?"
        return [_from_row(row) for row in self._query(sql, (*params, limit))]

    def count_pending(self, model_version: str, *, account: str | None = None, job: str | None = None) -> int:
        """How many articles ``pending`` would list in all."""
        where, params = self._pending_where(model_version, account, job)
        return int(self._query(f"SELECT count(*) AS n FROM articles a WHERE {where}", params)[0]["n"])

    def put_vectors(self, model_version: str, rows: Sequence[PendingVector], job: str | None = None) -> int:
        """Upsert vectors of ``model_version`` in one transaction, keyed by (account, article_id, version).

        A row is skipped when the article is gone or its content hash changed meanwhile. Returns how many
        were written. Idempotent: writing the same rows again changes nothing.
        """
        params = []
        for account, article_id, digest, vector in rows:
            blob = np.ascontiguousarray(vector, dtype=_VECTOR_DTYPE).tobytes()
            if np.asarray(vector).ndim != 1 or not blob:
                raise StoreError(f"vector of article {article_id!r} has shape {np.shape(vector)}; expected [dim]")
            dim = len(blob) // _VECTOR_DTYPE.itemsize
            params.append((account, article_id, model_version, digest, blob, dim, job, account, article_id, digest))
        sql = (
            "INSERT INTO article_vectors (account, article_id, model_version, content_hash, vector, dim, job) "
            "SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS "
            "(SELECT 1 FROM articles WHERE account = ? AND article_id = ? AND content_hash = ?) "
            "ON CONFLICT (account, article_id, model_version) DO UPDATE SET content_hash = excluded.content_hash, "
            "vector = excluded.vector, dim = excluded.dim, job = excluded.job"
        )
        written = 0
        try:
            with self._transaction() as tx:
                for row in params:
                    written += max(tx.execute(sql, row), 0)
        except self._db_error as e:
            raise StoreError(f"could not store {len(params)} vectors of model version {model_version!r}: {e}") from e
        return written

    def activate(self, account: str, model_version: str) -> int:
        """Switch ``account`` to ``model_version`` in one transaction, if every article has an up-to-date vector.

        Returns the number of articles still lacking one: 0 means switched; otherwise nothing changed.
        """
        where, params = self._pending_where(model_version, account, None)
        pick = (
            "(SELECT v.{col} FROM article_vectors v WHERE v.account = articles.account "
            "AND v.article_id = articles.article_id AND v.model_version = ?)"
        )
        try:
            with self._transaction() as tx:
                if self._lock_articles:
                    tx.execute(self._lock_articles)
                missing = self._query(f"SELECT count(*) AS n FROM articles a WHERE {where}", params)
                if int(missing[0]["n"]):
                    return int(missing[0]["n"])
                tx.execute(
                    f"UPDATE articles SET vector = {pick.format(col='vector')}, dim = {pick.format(col='dim')}, "
                    "model_version = ? WHERE account = ?",
                    (model_version, model_version, model_version, account),
                )
                tx.execute(
                    "INSERT INTO accounts (account_id, key_hash, score_threshold, hybrid, created_at, active_version) "
                    "VALUES (?, NULL, NULL, ?, ?, ?) "
                    "ON CONFLICT (account_id) DO UPDATE SET active_version = excluded.active_version",
                    (account, False, utc_now(), model_version),
                )
        except self._db_error as e:
            raise StoreError(f"could not switch account {account!r} to model version {model_version!r}: {e}") from e
        return 0

    def prune_vectors(self, account: str, keep: Sequence[str]) -> int:
        """Delete the account's vectors of every model version not in ``keep``; returns how many."""
        marks = ", ".join("?" * len(keep)) or "NULL"
        sql = f"DELETE FROM article_vectors WHERE account = ? AND model_version NOT IN ({marks})"
        try:
            with self._transaction() as tx:
                return int(tx.execute(sql, (account, *keep)))
        except self._db_error as e:
            raise StoreError(f"could not prune vectors of account {account!r}: {e}") from e

    def begin_job(self, key: str, model_version: str) -> tuple[str, bool]:
        """The id of the job ``key`` (a new one, or the one a killed run left); True when resumed."""
        rows = self._query("SELECT job_id FROM reencode_jobs WHERE job_key = ?", (key,))
        if rows:
            return str(rows[0]["job_id"]), True
        job_id = uuid.uuid4().hex
        with self._transaction() as tx:
            tx.execute(
                "INSERT INTO reencode_jobs (job_key, job_id, model_version, started_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (job_key) DO NOTHING",
                (key, job_id, model_version, utc_now()),
            )
        rows = self._query("SELECT job_id FROM reencode_jobs WHERE job_key = ?", (key,))
        return str(rows[0]["job_id"]), rows[0]["job_id"] != job_id

    def end_job(self, key: str) -> None:
        """Forget the job ``key`` (it completed)."""
        with self._transaction() as tx:
            tx.execute("DELETE FROM reencode_jobs WHERE job_key = ?", (key,))
