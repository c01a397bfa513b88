"""A knowledge base as the console shows it: article counts per locale and label, an article safe to display."""

from __future__ import annotations

from fastapi import APIRouter

from answerbot.api.deps import AccountDep, ArticleIdPath, ArticlesDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas.knowledge import ArticleCountsOut, ArticlePreviewOut
from answerbot.service.preview import safe_html

__all__ = ["router"]

router = APIRouter(prefix="/v1/accounts/{account}", tags=["articles"], responses=ERROR_RESPONSES)


@router.get("/article-counts")
def article_counts(account: AccountDep, articles: ArticlesDep) -> ArticleCountsOut:
    """The account's articles in all, per locale and per label, and how many lack a vector of the served model."""
    counts, stale = articles.counts(account.account_id)
    return ArticleCountsOut.from_counts(account.account_id, counts, stale)


@router.get("/articles/{article_id}/preview")
def preview_article(account: AccountDep, article_id: ArticleIdPath, articles: ArticlesDep) -> ArticlePreviewOut:
    """One article with its body as sanitised HTML (nh3): no script, event handler or remote content remains."""
    article = articles.get_article(account.account_id, article_id)
    return ArticlePreviewOut.from_stored(article, safe_html(article.body))
