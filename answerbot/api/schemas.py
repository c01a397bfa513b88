"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from answerbot.service import ID_PATTERN, ArticlePage, Recommendation
from answerbot.store.base import StoredArticle

__all__ = [
    "ArticleIn",
    "ArticleOut",
    "ArticlePageOut",
    "BulkArticleIn",
    "BulkArticlesIn",
    "ErrorBody",
    "ErrorOut",
    "HealthOut",
    "LanguageOut",
    "ModelOut",
    "RankedArticleOut",
    "RecommendationIn",
    "RecommendationOut",
    "UpsertCountsOut",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(_In):
    """An article's content; its id is in the path."""

    title: str
    body: str
    locale: str | None = None
    labels: list[str] = Field(default_factory=list)


class BulkArticleIn(ArticleIn):
    """An article with its id, inside a bulk upload."""

    id: str = Field(pattern=ID_PATTERN)


class BulkArticlesIn(_In):
    """Articles written together: all of them or none."""

    articles: list[BulkArticleIn] = Field(min_length=1)


class ArticleOut(BaseModel):
    """A stored article, without its vector."""

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
        return cls(
            account=article.account,
            article_id=article.article_id,
            title=article.title,
            body=article.body,
            locale=article.locale,
            labels=list(article.labels),
            model_version=article.model_version,
            updated_at=article.updated_at,
        )


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
    """What a bulk upload did."""

    created: int
    updated: int
    unchanged: int


class RecommendationIn(_In):
    """A ticket's text and how many articles to return (default ``ANSWERBOT_DEFAULT_TOP_K``)."""

    enquiry: str
    top_k: int | None = Field(default=None, ge=1)


class ModelOut(BaseModel):
    name: str
    version: str


class LanguageOut(BaseModel):
    code: str
    confidence: float


class RankedArticleOut(BaseModel):
    article_id: str
    title: str
    score: float
    locale: str | None


class RecommendationOut(BaseModel):
    """An account's best articles for an enquiry, best first."""

    account: str
    model: ModelOut
    language: LanguageOut
    articles: list[RankedArticleOut]

    @classmethod
    def from_recommendation(cls, rec: Recommendation) -> RecommendationOut:
        return cls(
            account=rec.account,
            model=ModelOut(name=rec.model_name, version=rec.model_version),
            language=LanguageOut(code=rec.language.code, confidence=rec.language.confidence),
            articles=[
                RankedArticleOut(article_id=a.article_id, title=a.title, score=a.score, locale=a.locale)
                for a in rec.articles
            ],
        )


class HealthOut(BaseModel):
    status: Literal["ok"]
    model: ModelOut
    articles: int


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None


class ErrorOut(BaseModel):
    """Every error response: ``{"error": {"code", "message", "field"}}``."""

    error: ErrorBody
