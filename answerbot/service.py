"""RankingService: stores and encodes an account's articles and ranks them for an enquiry. No HTTP here."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from answerbot import index
from answerbot.encoders.base import Encoder, EncoderError
from answerbot.lang import LanguageGuess, detect_language
from answerbot.settings import Settings
from answerbot.store.base import ArticleStore, StoredArticle, content_hash, utc_now
from answerbot.text import article_text

__all__ = [
    "ID_PATTERN",
    "MAX_PAGE_SIZE",
    "AccountNotFound",
    "ArticleInput",
    "ArticleNotFound",
    "ArticlePage",
    "ArticleWrite",
    "InputTooLarge",
    "InvalidInput",
    "RankedArticle",
    "RankingService",
    "Recommendation",
    "ServiceError",
    "UpsertCounts",
    "WriteStatus",
]

ID_PATTERN = r"^[A-Za-z0-9._-]{1,128}$"
"""Account and article ids: 1 to 128 letters, digits, '.', '_' or '-'."""
MAX_PAGE_SIZE = 100
MAX_LABELS = 32
MAX_LABEL_CHARS = 64

_ID_RE = re.compile(ID_PATTERN)
_LOCALE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
_REENCODE_BATCH = 256


class ServiceError(Exception):
    """Base of the errors a caller can cause; ``str(error)`` says what to do."""


class AccountNotFound(ServiceError):
    """The account has no articles."""

    def __init__(self, account: str) -> None:
        self.account = account
        super().__init__(f"account {account!r} has no articles; upload articles to it first")


class ArticleNotFound(ServiceError):
    """The account exists but has no article with this id."""

    def __init__(self, account: str, article_id: str) -> None:
        self.account = account
        self.article_id = article_id
        super().__init__(f"account {account!r} has no article {article_id!r}; check the article id")


class InvalidInput(ServiceError):
    """A value is invalid; ``field`` is its dotted path, e.g. ``top_k`` or ``articles.3.title``."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class InputTooLarge(InvalidInput):
    """A text or a batch exceeds a configured limit."""


@dataclass(frozen=True)
class ArticleInput:
    """An article as a client sends it."""

    article_id: str
    title: str
    body: str
    locale: str | None = None
    labels: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class RankedArticle:
    """One recommended article and its cosine similarity to the enquiry."""

    article_id: str
    title: str
    score: float
    locale: str | None


@dataclass(frozen=True)
class Recommendation:
    """An account's best articles for an enquiry, best first."""

    account: str
    model_name: str
    model_version: str
    language: LanguageGuess
    articles: tuple[RankedArticle, ...]


def _check_id(value: str, field: str, what: str) -> None:
    if not _ID_RE.fullmatch(value):
        raise InvalidInput(
            field, f"{what} {value!r} is invalid; use 1-128 characters of letters, digits, '.', '_' or '-'"
        )


class RankingService:
    """Stores and encodes articles of each account and ranks them for an enquiry."""

    def __init__(self, store: ArticleStore, encoder: Encoder, settings: Settings) -> None:
        self.store = store
        self.encoder = encoder
        self.settings = settings
        self._cache = index.VectorCache()

    @property
    def model_name(self) -> str:
        return self.encoder.model_name

    @property
    def model_version(self) -> str:
        return self.encoder.model_version

    def article_count(self) -> int:
        """Number of articles of all accounts."""
        return self.store.count()

    # writes

    def upsert_article(self, account: str, article: ArticleInput) -> ArticleWrite:
        """Create or replace one article; encodes it unless content and vector are current."""
        _check_id(account, "account", "account")
        clean = self._clean(article, prefix="", id_field="article_id")
        return self._upsert(account, [clean])[0]

    def upsert_articles(self, account: str, articles: Sequence[ArticleInput]) -> UpsertCounts:
        """Create or replace many articles atomically (all written or none), in one encoder call."""
        _check_id(account, "account", "account")
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
                raise InvalidInput(f"{prefix}id", f"article id {article.article_id!r} appears twice; send it once")
            seen.add(article.article_id)
            cleaned.append(self._clean(article, prefix=prefix, id_field=f"{prefix}id"))
        writes = self._upsert(account, cleaned)
        statuses = [write.status for write in writes]
        return UpsertCounts(
            created=statuses.count(WriteStatus.CREATED),
            updated=statuses.count(WriteStatus.UPDATED),
            unchanged=statuses.count(WriteStatus.UNCHANGED),
        )

    def delete_article(self, account: str, article_id: str) -> None:
        """Delete one article; AccountNotFound / ArticleNotFound when absent."""
        _check_id(account, "account", "account")
        _check_id(article_id, "article_id", "article id")
        if not self.store.delete(account, article_id):
            raise self._not_found(account, article_id)
        self._cache.invalidate(account)

    def reencode_stale(self, account: str | None = None) -> int:
        """Encode articles whose vector is missing or from another model version; returns how many."""
        version = self.model_version
        stale = self.store.stale(version, account)
        for start in range(0, len(stale), _REENCODE_BATCH):
            batch = stale[start : start + _REENCODE_BATCH]
            vectors = self._encode([article_text(a.title, a.body) for a in batch])
            by_account: dict[str, list[tuple[str, str, np.ndarray]]] = {}
            for article, vector in zip(batch, vectors, strict=True):
                by_account.setdefault(article.account, []).append((article.article_id, article.content_hash, vector))
            for name, updates in by_account.items():
                self.store.set_vectors(name, updates, version)
                self._cache.invalidate(name)
        return len(stale)

    # reads

    def get_article(self, account: str, article_id: str) -> StoredArticle:
        """One article; AccountNotFound / ArticleNotFound when absent."""
        _check_id(account, "account", "account")
        _check_id(article_id, "article_id", "article id")
        article = self.store.get(account, article_id)
        if article is None:
            raise self._not_found(account, article_id)
        return article

    def list_articles(self, account: str, limit: int = 20, offset: int = 0) -> ArticlePage:
        """One page of an account's articles ordered by id; AccountNotFound for an unknown account."""
        _check_id(account, "account", "account")
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidInput("limit", f"limit={limit} is out of range; use 1 to {MAX_PAGE_SIZE}")
        if offset < 0:
            raise InvalidInput("offset", f"offset={offset} is negative; use 0 or more")
        total = self.store.count(account)
        if total == 0:
            raise AccountNotFound(account)
        items = tuple(self.store.list(account, limit, offset))
        return ArticlePage(items=items, total=total, limit=limit, offset=offset)

    def recommend(self, account: str, enquiry: str, top_k: int | None = None) -> Recommendation:
        """The account's best articles for ``enquiry`` by cosine similarity, best first.

        Only vectors of the encoder's model version are ranked; ties are broken by article id.
        """
        _check_id(account, "account", "account")
        k = self.settings.default_top_k if top_k is None else top_k
        if not 1 <= k <= self.settings.max_top_k:
            raise InvalidInput("top_k", f"top_k={k} is out of range; use 1 to {self.settings.max_top_k}")
        if not enquiry.strip():
            raise InvalidInput("enquiry", "enquiry is empty; send the text of the ticket")
        if len(enquiry) > self.settings.max_enquiry_chars:
            raise InputTooLarge(
                "enquiry",
                f"enquiry has {len(enquiry)} characters, more than the limit of "
                f"{self.settings.max_enquiry_chars} (ANSWERBOT_MAX_ENQUIRY_CHARS); shorten it",
            )
        if not self.store.account_exists(account):
            raise AccountNotFound(account)
        version = self.model_version
        ids, matrix = self._cache.get(account, version, lambda: self.store.vectors(account, version))
        query = self._encode([enquiry])[0]
        language = detect_language(enquiry, seed=self.settings.langdetect_seed)
        ranked: list[RankedArticle] = []
        if ids:
            indices, scores = index.top_k(query, matrix, k)
            found = self.store.get_many(account, [ids[i] for i in indices])
            for i, score in zip(indices, scores, strict=True):
                article = found.get(ids[i])
                if article is not None:  # deleted since the matrix was cached
                    ranked.append(RankedArticle(article.article_id, article.title, float(score), article.locale))
        return Recommendation(account, self.model_name, version, language, tuple(ranked))

    # helpers

    def _clean(self, article: ArticleInput, prefix: str, id_field: str) -> ArticleInput:
        """Validate one article and return it with labels de-duplicated and sorted."""
        _check_id(article.article_id, id_field, "article id")
        if not article.title.strip():
            raise InvalidInput(f"{prefix}title", "title is empty; give the article a title")
        size = len(article_text(article.title, article.body))
        if size > self.settings.max_article_chars:
            raise InputTooLarge(
                f"{prefix}body",
                f"article {article.article_id!r} has {size} characters, more than the limit of "
                f"{self.settings.max_article_chars} (ANSWERBOT_MAX_ARTICLE_CHARS); split or shorten it",
            )
        if article.locale is not None and not _LOCALE_RE.fullmatch(article.locale):
            raise InvalidInput(
                f"{prefix}locale", f"locale {article.locale!r} is invalid; use a language tag like 'en' or 'pt-BR'"
            )
        labels = tuple(sorted(set(article.labels)))
        if len(labels) > MAX_LABELS:
            raise InvalidInput(f"{prefix}labels", f"{len(labels)} labels exceed the limit of {MAX_LABELS}")
        for label in labels:
            if not label.strip() or len(label) > MAX_LABEL_CHARS:
                raise InvalidInput(
                    f"{prefix}labels", f"label {label!r} is invalid; use 1 to {MAX_LABEL_CHARS} non-blank characters"
                )
        return dataclasses.replace(article, labels=labels)

    def _upsert(self, account: str, articles: Sequence[ArticleInput]) -> list[ArticleWrite]:
        """Write validated articles in one transaction, encoding only those without a current vector."""
        version = self.model_version
        existing = self.store.get_many(account, [a.article_id for a in articles])
        now = utc_now()
        writes: list[ArticleWrite] = []
        to_write: list[int] = []
        to_encode: list[int] = []
        for article in articles:
            old = existing.get(article.article_id)
            digest = content_hash(article.title, article.body, article.locale, article.labels)
            text = article_text(article.title, article.body)
            vector_current = (
                old is not None
                and old.vector is not None
                and old.model_version == version
                and article_text(old.title, old.body) == text
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
                account=account,
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
            vectors = self._encode([article_text(writes[i].article.title, writes[i].article.body) for i in to_encode])
            for i, vector in zip(to_encode, vectors, strict=True):
                article = dataclasses.replace(writes[i].article, vector=vector, model_version=version)
                writes[i] = ArticleWrite(article, writes[i].status)
        if to_write:
            self.store.upsert_many([writes[i].article for i in to_write])
            self._cache.invalidate(account)
        return writes

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts`` and check the encoder kept its promise: float32 [n, dim], finite."""
        vectors = np.asarray(self.encoder.encode(texts), dtype=np.float32)
        expected = (len(texts), self.encoder.dim)
        if vectors.shape != expected:
            raise EncoderError(
                f"encoder {self.model_name} version {self.model_version} returned shape {vectors.shape}; "
                f"expected {expected}"
            )
        if not np.isfinite(vectors).all():
            raise EncoderError(f"encoder {self.model_name} version {self.model_version} returned NaN or inf")
        return vectors

    def _not_found(self, account: str, article_id: str) -> ServiceError:
        if self.store.account_exists(account):
            return ArticleNotFound(account, article_id)
        return AccountNotFound(account)
