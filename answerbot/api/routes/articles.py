"""An account's knowledge-base articles: upload, read, list, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from answerbot.api.deps import AccountPath, ArticleIdPath, ServiceDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas import ArticleIn, ArticleOut, ArticlePageOut, BulkArticlesIn, UpsertCountsOut
from answerbot.service import MAX_PAGE_SIZE, ArticleInput, WriteStatus

__all__ = ["router"]

router = APIRouter(prefix="/v1/accounts/{account}/articles", tags=["articles"], responses=ERROR_RESPONSES)


@router.put("/{article_id}", responses={201: {"model": ArticleOut, "description": "Created"}})
def put_article(
    account: AccountPath, article_id: ArticleIdPath, payload: ArticleIn, service: ServiceDep, response: Response
) -> ArticleOut:
    """Create (201) or replace (200) one article."""
    article = ArticleInput(article_id, payload.title, payload.body, payload.locale, tuple(payload.labels))
    write = service.upsert_article(account, article)
    response.status_code = status.HTTP_201_CREATED if write.status is WriteStatus.CREATED else status.HTTP_200_OK
    return ArticleOut.from_stored(write.article)


@router.put("")
def put_articles(account: AccountPath, payload: BulkArticlesIn, service: ServiceDep) -> UpsertCountsOut:
    """Create or replace many articles at once: all are written or none."""
    articles = [ArticleInput(a.id, a.title, a.body, a.locale, tuple(a.labels)) for a in payload.articles]
    counts = service.upsert_articles(account, articles)
    return UpsertCountsOut(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)


@router.get("/{article_id}")
def get_article(account: AccountPath, article_id: ArticleIdPath, service: ServiceDep) -> ArticleOut:
    """One article."""
    return ArticleOut.from_stored(service.get_article(account, article_id))


@router.get("")
def list_articles(
    account: AccountPath,
    service: ServiceDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ArticlePageOut:
    """One page of the account's articles, ordered by id."""
    return ArticlePageOut.from_page(service.list_articles(account, limit, offset))


@router.delete("/{article_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_article(account: AccountPath, article_id: ArticleIdPath, service: ServiceDep) -> Response:
    """Delete one article."""
    service.delete_article(account, article_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
