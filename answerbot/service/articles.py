"""An account's articles: validated, encoded with the account's model version, written all or nothing.

An upsert encodes only articles whose text changed or whose vector is not of the account's active version;
the account's article quota (``ANSWERBOT_MAX_ARTICLES_PER_ACCOUNT``) is checked by the store inside the
write transaction, so concurrent writers cannot pass it together. Replacing an article never counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from answerbot.service.errors import ArticleNotFound, InputTooLarge, InvalidInput, QuotaExceeded
from answerbot.service.parts import ServiceParts
from answerbot.service.validation import MAX_PAGE_SIZE, ArticleInput, check_article, check_filters, check_id, check_text
from answerbot.store import Account, ArticleCounts, ArticleFilter, OverQuota, StoredArticle, content_hash, utc_now
from answerbot.text import article_text

__all__ = ["MAX_SEARCH_CHARS", "ArticlePage", "ArticleService", "ArticleWrite", "UpsertCounts", "WriteStatus"]

MAX_SEARCH_CHARS = 200


class WriteStatus(StrEnum):
    """What an upsert did to one article's content."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ArticleWrite:
    """The article as stored after an upsert, and what happened to it."""

    article: StoredArticle
    status: WriteStatus


@dataclass(frozen=True)
class UpsertCounts:
    """How many articles of a bulk upsert were created, updated or left unchanged."""

    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class ArticlePage:
    """One page of an account's articles, ordered by id."""

    items: tuple[StoredArticle, ...]
    total: int
    limit: int
    offset: int


class ArticleService(ServiceParts):
    """Creates, replaces, reads and deletes an account's articles."""

    def upsert_article(self, account: str, article: ArticleInput) -> ArticleWrite:
        """Create or replace one article; encodes it unless content and vector are current."""
        found = self.accounts.get(account)
        return self._upsert(found, [check_article(self.settings, article)], "article_id")[0]

    def upsert_articles(self, account: str, articles: Sequence[ArticleInput], field: str = "articles") -> UpsertCounts:
        """Create or replace many articles atomically (all written or none), in one encoder call.

        ``field`` names the upload in a quota error (``articles``, or ``file`` for a table upload).
        """
        found = self.accounts.get(account)
        limit = self.settings.max_bulk_articles
        if len(articles) > limit:
            raise InputTooLarge(
                "articles",
                f"{len(articles)} articles in one request exceed the limit of {limit} "
                "(ANSWERBOT_MAX_BULK_ARTICLES); split the upload into smaller batches",
            )
        seen: set[str] = set()
        cleaned = []
        for i, article in enumerate(articles):
            prefix = f"articles.{i}."
            if article.article_id in seen:
                raise InvalidInput(
                    f"{prefix}article_id", f"article id {article.article_id!r} appears twice; send it once"
                )
            seen.add(article.article_id)
            cleaned.append(check_article(self.settings, article, prefix))
        statuses = [write.status for write in self._upsert(found, cleaned, field)]
        return UpsertCounts(
            created=statuses.count(WriteStatus.CREATED),
            updated=statuses.count(WriteStatus.UPDATED),
            unchanged=statuses.count(WriteStatus.UNCHANGED),
        )

    def delete_article(self, account: str, article_id: str) -> None:
        """Delete one article; AccountNotFound / ArticleNotFound when absent."""
        self.accounts.get(account)
        check_id(article_id, "article_id", "article id")
        if not self.store.articles.delete(account, article_id):
            raise ArticleNotFound(account, article_id)
        self.indexes.invalidate(account)

    def get_article(self, account: str, article_id: str) -> StoredArticle:
        """One article; AccountNotFound / ArticleNotFound when absent."""
        self.accounts.get(account)
        check_id(article_id, "article_id", "article id")
        article = self.store.articles.get(account, article_id)
        if article is None:
            raise ArticleNotFound(account, article_id)
        return article

    def list_articles(
        self, account: str, limit: int = 20, offset: int = 0, where: ArticleFilter | None = None
    ) -> ArticlePage:
        """One page of an account's articles ordered by id, of those ``where`` selects (its text is a
        case-insensitive substring of the title or body); AccountNotFound for an unknown account."""
        self.accounts.get(account)
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidInput("limit", f"limit={limit} is out of range; use 1 to {MAX_PAGE_SIZE}")
        if offset < 0:
            raise InvalidInput("offset", f"offset={offset} is negative; use 0 or more")
        if where is not None:
            _check_filter(where)
        total = self.store.articles.count(account, where)
        items = tuple(self.store.articles.list(account, limit, offset, where))
        return ArticlePage(items=items, total=total, limit=limit, offset=offset)

    def counts(self, account: str) -> tuple[ArticleCounts, int]:
        """The account's articles in all, per locale and per label, and how many of them lack a vector of the
        served model version (``answerbot reencode --only-stale`` encodes them)."""
        self.accounts.get(account)
        stale = self.store.vectors.count_pending(self.encoders.model_version, account=account)
        return self.store.articles.counts(account), stale

    def _upsert(self, account: Account, articles: Sequence[ArticleInput], field: str) -> list[ArticleWrite]:
        """Write validated articles in one transaction, encoding only those without a current vector.

        Vectors are of the account's active version; if the account switches meanwhile, encode again.
        """
        name = account.account_id
        version = account.active_version or self.encoders.model_version
        existing = self.store.articles.get_many(name, [a.article_id for a in articles])
        now = utc_now()
        writes: list[ArticleWrite] = []
        to_write: list[int] = []
        to_encode: list[int] = []
        for article in articles:
            old = existing.get(article.article_id)
            digest = content_hash(article.title, article.body, article.locale, article.labels)
            vector_current = (
                old is not None
                and old.vector is not None
                and old.model_version == version
                and article_text(old.title, old.body) == article_text(article.title, article.body)
            )
            if old is not None and old.content_hash == digest and vector_current:
                writes.append(ArticleWrite(old, WriteStatus.UNCHANGED))
                continue
            if old is None:
                status = WriteStatus.CREATED
            elif old.content_hash == digest:
                status = WriteStatus.UNCHANGED  # same content, vector from another model: refresh it
            else:
                status = WriteStatus.UPDATED
            stored = StoredArticle(
                account=name,
                article_id=article.article_id,
                title=article.title,
                body=article.body,
                locale=article.locale,
                labels=article.labels,
                content_hash=digest,
                vector=old.vector if vector_current and old is not None else None,
                model_version=version if vector_current else None,
                updated_at=old.updated_at if old is not None and status is WriteStatus.UNCHANGED else now,
            )
            to_write.append(len(writes))
            if not vector_current:
                to_encode.append(len(writes))
            writes.append(ArticleWrite(stored, status))
        if to_encode:
            texts = [article_text(writes[i].article.title, writes[i].article.body) for i in to_encode]
            vectors = self.encoders.encode(texts, version)
            for i, vector in zip(to_encode, vectors, strict=True):
                encoded = dataclasses.replace(writes[i].article, vector=vector, model_version=version)
                writes[i] = ArticleWrite(encoded, writes[i].status)
        if to_write:
            self._write([writes[i].article for i in to_write], field)
            self.indexes.invalidate(name)
            self.accounts.forget(name)  # the write may have set its active version; a switch is read from the store
            now_on = self.accounts.get(name)
            if (now_on.active_version or self.encoders.model_version) != version:  # switched while we encoded
                return self._upsert(now_on, articles, field)
        return writes

    def _write(self, articles: list[StoredArticle], field: str) -> None:
        try:
            self.store.articles.upsert_many(articles, max_articles=self.settings.max_articles_per_account)
        except OverQuota as e:
            raise QuotaExceeded(
                field,
                f"account {e.account!r} has {e.stored} articles; {e.new} new ones would exceed the limit of "
                f"{e.limit} (ANSWERBOT_MAX_ARTICLES_PER_ACCOUNT); delete articles first or raise the limit",
            ) from e


def _check_filter(where: ArticleFilter) -> None:
    if where.text is not None:
        check_text(where.text, "q")
        if len(where.text) > MAX_SEARCH_CHARS:
            raise InvalidInput("q", f"q has {len(where.text)} characters; search with at most {MAX_SEARCH_CHARS}")
    check_filters(where.locale, where.labels)
