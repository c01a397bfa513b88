"""Articles: write (all or nothing, with the account's quota checked in the same transaction), read, list with
filters (text, locale, labels), count per locale and label, delete."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TableValuedAlias,
    cast,
    delete,
    exists,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from answerbot.store.accounts import bump_generation
from answerbot.store.database import Database
from answerbot.store.errors import OverQuota
from answerbot.store.records import ArticleCounts, ArticleFilter, StoredArticle
from answerbot.store.rows import article_from_row, article_to_row, insert_or_update
from answerbot.store.tables import accounts, article_vectors, articles

__all__ = ["ArticleRepository"]

_MAX_PARAMS = 500
_ARTICLE_KEY = ["account", "article_id"]
_VECTOR_KEY = ["account", "article_id", "model_version"]
_VECTOR_COLUMNS = ["content_hash", "vector", "dim", "job"]


def _existing_ids(conn: Connection, account: str, article_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), _MAX_PARAMS):
        chunk = ids[start : start + _MAX_PARAMS]
        query = select(articles.c.article_id).where(articles.c.account == account, articles.c.article_id.in_(chunk))
        found.update(conn.scalars(query))
    return found


def _count(conn: Connection, account: str | None) -> int:
    query = select(func.count()).select_from(articles)
    if account is not None:
        query = query.where(articles.c.account == account)
    return int(conn.execute(query).scalar_one())


class ArticleRepository:
    """The ``articles`` table (and the vectors written with an article)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def upsert_many(self, items: Sequence[StoredArticle], max_articles: int | None = None) -> None:
        """Insert or replace all ``items`` in one transaction: all are written or none.

        With ``max_articles``, OverQuota (nothing written) when an account would end up with more articles;
        the check runs inside the transaction, after locking the account (PostgreSQL: its row, ``FOR UPDATE``;
        SQLite: the write lock of ``BEGIN IMMEDIATE``), so two writers at the limit cannot both pass.
        An article's vector is also stored as a vector of its model version; an account without an active
        model version gets the version of its first vectors.
        """
        rows = [article_to_row(item) for item in items]
        by_account: dict[str, list[str]] = defaultdict(list)
        for item in items:
            by_account[item.account].append(item.article_id)
        vectors = [{**row, "job": None} for row in rows if row["vector"] is not None]
        with self._db.write(f"writing {len(rows)} articles (none was written)") as conn:
            locked = select(accounts.c.account_id).where(accounts.c.account_id.in_(sorted(by_account)))
            conn.execute(locked.order_by(accounts.c.account_id).with_for_update())
            if max_articles is not None:
                for account, ids in by_account.items():
                    stored = _count(conn, account)
                    new = len(set(ids) - _existing_ids(conn, account, ids))
                    if new and stored + new > max_articles:
                        raise OverQuota(account, stored, new, max_articles)
            if not rows:
                return
            conn.execute(insert_or_update(conn, articles, _ARTICLE_KEY, list(rows[0])[2:]), rows)
            bump_generation(conn, by_account)
            if vectors:
                upsert = insert_or_update(conn, article_vectors, _VECTOR_KEY, _VECTOR_COLUMNS)
                conn.execute(upsert, [{c.name: v[c.name] for c in article_vectors.columns} for v in vectors])
                first = {v["account"]: v["model_version"] for v in reversed(vectors)}
                for account, version in first.items():
                    conn.execute(
                        update(accounts)
                        .where(accounts.c.account_id == account, accounts.c.active_version.is_(None))
                        .values(active_version=version)
                    )

    def get(self, account: str, article_id: str) -> StoredArticle | None:
        """The article, or None."""
        query = select(articles).where(articles.c.account == account, articles.c.article_id == article_id)
        with self._db.read("reading an article") as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else article_from_row(row)

    def get_many(self, account: str, article_ids: Sequence[str]) -> dict[str, StoredArticle]:
        """The articles among ``article_ids`` that exist, keyed by id."""
        found: dict[str, StoredArticle] = {}
        ids = list(dict.fromkeys(article_ids))
        with self._db.read("reading articles") as conn:
            for start in range(0, len(ids), _MAX_PARAMS):
                chunk = ids[start : start + _MAX_PARAMS]
                query = select(articles).where(articles.c.account == account, articles.c.article_id.in_(chunk))
                for row in conn.execute(query).mappings():
                    found[row["article_id"]] = article_from_row(row)
        return found

    def list(self, account: str, limit: int, offset: int, where: ArticleFilter | None = None) -> list[StoredArticle]:
        """One page of the account's articles (those ``where`` selects), ordered by id."""
        query = self._matching(select(articles), account, where).order_by(articles.c.article_id)
        with self._db.read("listing articles") as conn:
            return [article_from_row(row) for row in conn.execute(query.limit(limit).offset(offset)).mappings()]

    def count(self, account: str | None = None, where: ArticleFilter | None = None) -> int:
        """Number of articles of ``account`` (those ``where`` selects), or of all accounts when None."""
        if where is None:
            with self._db.read("counting articles") as conn:
                return _count(conn, account)
        query = self._matching(select(func.count()).select_from(articles), account, where)
        with self._db.read("counting articles") as conn:
            return int(conn.execute(query).scalar_one())

    def counts(self, account: str) -> ArticleCounts:
        """The account's articles in all, per locale and per label."""
        labels = self._labels()
        by_locale = (
            select(articles.c.locale, func.count()).where(articles.c.account == account).group_by(articles.c.locale)
        )
        by_label = (
            select(labels.c.value, func.count())
            .select_from(articles.join(labels, true()))
            .where(articles.c.account == account)
            .group_by(labels.c.value)
        )
        with self._db.read(f"counting the articles of account {account!r}") as conn:
            locales = {locale: int(n) for locale, n in conn.execute(by_locale)}
            per_label = {str(label): int(n) for label, n in conn.execute(by_label)}
        return ArticleCounts(total=sum(locales.values()), locales=locales, labels=per_label)

    def _labels(self) -> TableValuedAlias:
        """An article's labels as rows of one column, ``value`` (the JSON array of the ``labels`` column)."""
        if self._db.dialect == "postgresql":
            return func.jsonb_array_elements_text(cast(articles.c.labels, JSONB)).table_valued("value")
        return func.json_each(articles.c.labels).table_valued("value")

    def _folded(self, column: ColumnElement[str]) -> ColumnElement[str]:
        """``column`` case-folded in SQL (SQLite: the store's casefold function; PostgreSQL: lower)."""
        return func.lower(column) if self._db.dialect == "postgresql" else func.casefold(column)

    def _matching(self, query: Select[Any], account: str | None, where: ArticleFilter | None) -> Select[Any]:
        if account is not None:
            query = query.where(articles.c.account == account)
        if where is None:
            return query
        if where.text:
            needle = where.text.casefold()
            query = query.where(
                or_(
                    self._folded(articles.c.title).contains(needle, autoescape=True),
                    self._folded(articles.c.body).contains(needle, autoescape=True),
                )
            )
        if where.locale is not None:
            query = query.where(articles.c.locale == where.locale)
        if where.labels:
            labels = self._labels()
            query = query.where(exists().where(labels.c.value.in_(where.labels)))
        return query

    def delete(self, account: str, article_id: str) -> bool:
        """Delete the article and its vectors of every version; False when it did not exist."""
        with self._db.write(f"deleting article {article_id!r} of account {account!r}") as conn:
            conn.execute(
                delete(article_vectors).where(
                    article_vectors.c.account == account, article_vectors.c.article_id == article_id
                )
            )
            gone = conn.execute(
                delete(articles).where(articles.c.account == account, articles.c.article_id == article_id)
            )
            bump_generation(conn, [account])
            return gone.rowcount > 0
