"""Vectors per model version: what still needs one, writing them, and the atomic switch of an account.

``activate`` sets an account's ``active_version`` (and refreshes the vector copy in its article rows) in
one transaction, after checking that every article of the account has an up-to-date vector of the new
version; readers still on the old version keep a complete set of old vectors (nothing is deleted by the
switch), so a ranking never mixes versions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, not_, or_, select, text, update

from answerbot.store.accounts import bump_generation
from answerbot.store.database import Database
from answerbot.store.records import PendingVector, StoredArticle, utc_now
from answerbot.store.rows import VECTOR_DTYPE, article_from_row, insert_or_update, vector_blob
from answerbot.store.tables import accounts, article_vectors, articles

__all__ = ["VectorRepository"]

_MAX_PARAMS = 500
_V = article_vectors.c
_A = articles.c


def _up_to_date(model_version: str, job: str | None) -> ColumnElement[bool]:
    """The article has a vector of ``model_version`` made from its current content (and by ``job``)."""
    match = [
        _V.account == _A.account,
        _V.article_id == _A.article_id,
        _V.model_version == model_version,
        _V.content_hash == _A.content_hash,
    ]
    if job is not None:
        match.append(_V.job == job)
    return exists().where(*match)


def _pending_where(model_version: str, account: str | None, job: str | None) -> list[ColumnElement[bool]]:
    where = [not_(_up_to_date(model_version, job))]
    if account is not None:
        where.append(_A.account == account)
    return where


def _with_vector(model_version: str) -> Select[tuple[object, ...]]:
    """Articles joined with their up-to-date vector of ``model_version`` (columns as an article row)."""
    return (
        select(
            _A.account,
            _A.article_id,
            _A.title,
            _A.body,
            _A.locale,
            _A.labels,
            _A.content_hash,
            _V.vector,
            _V.dim,
            _V.model_version,
            _A.updated_at,
        )
        .join(
            article_vectors,
            and_(_V.account == _A.account, _V.article_id == _A.article_id, _V.content_hash == _A.content_hash),
        )
        .where(_V.model_version == model_version)
    )


class VectorRepository:
    """The ``article_vectors`` table and the switch of ``accounts.active_version``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def for_index(self, account: str, model_version: str) -> list[StoredArticle]:
        """The account's articles with an up-to-date vector of ``model_version``, ordered by id (for the index)."""
        query = _with_vector(model_version).where(_A.account == account).order_by(_A.article_id)
        with self._db.read(f"reading the vectors of account {account!r}") as conn:
            return [article_from_row(row) for row in conn.execute(query).mappings()]

    def sample(self, model_version: str, limit: int) -> list[StoredArticle]:
        """Up to ``limit`` articles (of any account) with an up-to-date vector of ``model_version``."""
        with self._db.read("sampling vectors") as conn:
            return [article_from_row(row) for row in conn.execute(_with_vector(model_version).limit(limit)).mappings()]

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
        where = _pending_where(model_version, account, job)
        if after is not None:
            where.append(or_(_A.account > after[0], and_(_A.account == after[0], _A.article_id > after[1])))
        query = select(articles).where(*where).order_by(_A.account, _A.article_id).limit(limit)
        with self._db.read("listing articles to encode") as conn:
            return [article_from_row(row) for row in conn.execute(query).mappings()]

    def count_pending(self, model_version: str, *, account: str | None = None, job: str | None = None) -> int:
        """How many articles ``pending`` would list in all."""
        query = select(func.count()).select_from(articles).where(*_pending_where(model_version, account, job))
        with self._db.read("counting articles to encode") as conn:
            return int(conn.execute(query).scalar_one())

    def put(self, model_version: str, rows: Sequence[PendingVector], job: str | None = None) -> int:
        """Upsert vectors of ``model_version`` in one transaction, keyed by (account, article_id, version).

        A row is skipped when the article is gone or its content hash changed meanwhile. Returns how many
        were written. Idempotent: writing the same rows again changes nothing.
        """
        values: list[dict[str, Any]] = []
        wanted: dict[str, list[str]] = defaultdict(list)
        for account, article_id, digest, vector in rows:
            blob = vector_blob(vector)
            dim = len(blob) // VECTOR_DTYPE.itemsize
            values.append(
                {
                    "account": account,
                    "article_id": article_id,
                    "model_version": model_version,
                    "content_hash": digest,
                    "vector": blob,
                    "dim": dim,
                    "job": job,
                }
            )
            wanted[account].append(article_id)
        with self._db.write(f"storing {len(values)} vectors of model version {model_version!r}") as conn:
            current: set[tuple[str, str, str]] = set()
            for account, ids in wanted.items():
                for start in range(0, len(ids), _MAX_PARAMS):
                    query = select(_A.account, _A.article_id, _A.content_hash).where(
                        _A.account == account, _A.article_id.in_(ids[start : start + _MAX_PARAMS])
                    )
                    current.update((row[0], row[1], row[2]) for row in conn.execute(query))
            kept = [v for v in values if (v["account"], v["article_id"], v["content_hash"]) in current]
            if kept:
                upsert = insert_or_update(
                    conn,
                    article_vectors,
                    ["account", "article_id", "model_version"],
                    ["content_hash", "vector", "dim", "job"],
                )
                conn.execute(upsert, kept)
                bump_generation(conn, {v["account"] for v in kept}, model_version)
        return len(kept)

    def activate(self, account: str, model_version: str) -> int:
        """Switch ``account`` to ``model_version`` in one transaction, if every article has an up-to-date vector.

        Returns the number of articles still lacking one: 0 means switched; otherwise nothing changed.
        """
        with self._db.write(f"switching account {account!r} to model version {model_version!r}") as conn:
            if conn.dialect.name == "postgresql":  # writers of articles wait until the switch commits
                conn.execute(text("LOCK TABLE articles IN SHARE ROW EXCLUSIVE MODE"))
            missing = select(func.count()).select_from(articles).where(*_pending_where(model_version, account, None))
            n = int(conn.execute(missing).scalar_one())
            if n:
                return n
            conn.execute(  # UPDATE ... FROM: one join instead of a subquery per column and row
                update(articles)
                .where(
                    _A.account == account,
                    _V.account == _A.account,
                    _V.article_id == _A.article_id,
                    _V.model_version == model_version,
                )
                .values(vector=_V.vector, dim=_V.dim, model_version=model_version)
            )
            switch = insert_or_update(
                conn, accounts, ["account_id"], ["active_version"], also={"generation": accounts.c.generation + 1}
            )
            conn.execute(
                switch,
                {
                    "account_id": account,
                    "key_hash": None,
                    "score_threshold": None,
                    "hybrid": False,
                    "created_at": utc_now(),
                    "lexical_fallback": False,
                    "active_version": model_version,
                    "generation": 0,
                },
            )
        return 0

    def prune(self, account: str, keep: Sequence[str]) -> int:
        """Delete the account's vectors of every model version not in ``keep``; returns how many."""
        query = delete(article_vectors).where(_V.account == account, _V.model_version.not_in(list(keep)))
        with self._db.write(f"pruning vectors of account {account!r}") as conn:
            return int(conn.execute(query).rowcount)
