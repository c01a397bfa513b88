"""What the console shows of a knowledge base: article counts per locale and label, an article made safe to show."""

from __future__ import annotations

from pydantic import BaseModel, Field

from answerbot.store import ArticleCounts, StoredArticle

__all__ = ["ArticleCountsOut", "ArticlePreviewOut", "LabelCountOut", "LocaleCountOut"]


class LocaleCountOut(BaseModel):
    locale: str | None = Field(description="The articles' locale; null for articles without one.")
    articles: int


class LabelCountOut(BaseModel):
    label: str
    articles: int


class ArticleCountsOut(BaseModel):
    """An account's articles in all, per locale and per label (most articles first), and how many are stale."""

    account: str
    total: int
    stale: int = Field(
        description="Articles without a vector of the served model version (`answerbot reencode --only-stale`)."
    )
    locales: list[LocaleCountOut]
    labels: list[LabelCountOut]

    @classmethod
    def from_counts(cls, account: str, counts: ArticleCounts, stale: int) -> ArticleCountsOut:
        locales = sorted(counts.locales.items(), key=lambda item: (-item[1], item[0] or ""))
        labels = sorted(counts.labels.items(), key=lambda item: (-item[1], item[0]))
        return cls(
            account=account,
            total=counts.total,
            stale=stale,
            locales=[LocaleCountOut(locale=locale, articles=n) for locale, n in locales],
            labels=[LabelCountOut(label=label, articles=n) for label, n in labels],
        )


class ArticlePreviewOut(BaseModel):
    """An article for display: ``html`` is its body sanitised (no script, handler or remote content can run)."""

    article_id: str
    title: str
    locale: str | None
    labels: list[str]
    updated_at: str
    html: str

    @classmethod
    def from_stored(cls, article: StoredArticle, html: str) -> ArticlePreviewOut:
        return cls(
            article_id=article.article_id,
            title=article.title,
            locale=article.locale,
            labels=list(article.labels),
            updated_at=article.updated_at,
            html=html,
        )
