"""Article bodies: one article, a bulk upload, a page, what an upload did."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ModelWrapValidatorHandler, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from answerbot.api.schemas.common import In
from answerbot.service import ID_PATTERN, ArticlePage, UpsertCounts
from answerbot.store import StoredArticle

__all__ = ["ArticleIn", "ArticleOut", "ArticlePageOut", "BulkArticleIn", "BulkArticlesIn", "UpsertCountsOut"]


class ArticleIn(In):
    """An article's content; its id is in the path. ``body`` may be HTML: stripped for encoding, kept for display."""

    title: str
    body: str
    locale: str | None = None
    labels: list[str] = Field(default_factory=list)


class BulkArticleIn(ArticleIn):
    """An article with its id, inside a bulk upload. The old name of ``article_id``, ``id``, is still read
    (the response then carries a deprecation note); sending both is refused."""

    article_id: str = Field(pattern=ID_PATTERN, validation_alias=AliasChoices("article_id", "id"))
    _old_id_name: bool = PrivateAttr(default=False)

    @model_validator(mode="wrap")
    @classmethod
    def _read_old_id_name(cls, data: Any, handler: ModelWrapValidatorHandler[BulkArticleIn]) -> BulkArticleIn:
        old = isinstance(data, dict) and "id" in data
        if old and "article_id" in data:
            raise PydanticCustomError(
                "id_and_article_id", "both article_id and id are given; send article_id only (id is its old name)"
            )
        article = handler(data)
        article._old_id_name = old
        return article

    @property
    def used_old_id_name(self) -> bool:
        """Whether the client named the id ``id`` (deprecated) instead of ``article_id``."""
        return self._old_id_name


class BulkArticlesIn(In):
    """Articles written together: all of them or none."""

    articles: list[BulkArticleIn] = Field(min_length=1)


class ArticleOut(BaseModel):
    """A stored article, without its vector."""

    model_config = ConfigDict(from_attributes=True)

    account: str
    article_id: str
    title: str
    body: str
    locale: str | None
    labels: list[str]
    model_version: str | None
    updated_at: str

    @classmethod
    def from_stored(cls, article: StoredArticle) -> ArticleOut:
        return cls.model_validate(article)


class ArticlePageOut(BaseModel):
    """One page of an account's articles, ordered by id."""

    items: list[ArticleOut]
    total: int
    limit: int
    offset: int

    @classmethod
    def from_page(cls, page: ArticlePage) -> ArticlePageOut:
        items = [ArticleOut.from_stored(a) for a in page.items]
        return cls(items=items, total=page.total, limit=page.limit, offset=page.offset)


class UpsertCountsOut(BaseModel):
    """What a bulk upload did; ``deprecations`` (left out when empty) lists old spellings the upload used."""

    created: int
    updated: int
    unchanged: int
    deprecations: list[str] | None = None

    @classmethod
    def from_counts(cls, counts: UpsertCounts, deprecations: Sequence[str] = ()) -> UpsertCountsOut:
        return cls(
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            deprecations=list(deprecations) or None,
        )
