"""An account's knowledge-base articles: upload (JSON, CSV, XLSX), read, list, delete."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from answerbot.api.deps import AccountDep, ArticleIdPath, ServiceDep, SettingsDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas import ArticleIn, ArticleOut, ArticlePageOut, BulkArticlesIn, UpsertCountsOut
from answerbot.service import MAX_PAGE_SIZE, ArticleInput, InputTooLarge, WriteStatus
from answerbot.service.limits import check_article_quota
from answerbot.service.uploads import parse_article_table

__all__ = ["router"]

router = APIRouter(prefix="/v1/accounts/{account}/articles", tags=["articles"], responses=ERROR_RESPONSES)


@router.put("/{article_id}", responses={201: {"model": ArticleOut, "description": "Created"}})
def put_article(
    account: AccountDep, article_id: ArticleIdPath, payload: ArticleIn, service: ServiceDep, response: Response
) -> ArticleOut:
    """Create (201) or replace (200) one article."""
    check_article_quota(
        service.store, account.account_id, [article_id], service.settings.max_articles_per_account, "article_id"
    )
    article = ArticleInput(article_id, payload.title, payload.body, payload.locale, tuple(payload.labels))
    write = service.upsert_article(account.account_id, article)
    response.status_code = status.HTTP_201_CREATED if write.status is WriteStatus.CREATED else status.HTTP_200_OK
    return ArticleOut.from_stored(write.article)


@router.put("")
def put_articles(account: AccountDep, payload: BulkArticlesIn, service: ServiceDep) -> UpsertCountsOut:
    """Create or replace many articles at once: all are written or none; unchanged ones are not re-encoded."""
    articles = [ArticleInput(a.id, a.title, a.body, a.locale, tuple(a.labels)) for a in payload.articles]
    if len(articles) <= service.settings.max_bulk_articles:  # else upsert_articles says the batch is too large
        limit = service.settings.max_articles_per_account
        check_article_quota(service.store, account.account_id, [a.article_id for a in articles], limit, "articles")
    counts = service.upsert_articles(account.account_id, articles)
    return UpsertCountsOut(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)


@router.post("/upload")
async def upload_articles(
    account: AccountDep,
    file: Annotated[UploadFile, File(description="A .csv (UTF-8) or .xlsx table: id, title, body, locale, labels")],
    service: ServiceDep,
    settings: SettingsDep,
) -> UpsertCountsOut:
    """Create or replace the articles of a CSV or XLSX file (labels ';'-separated): all are written or none."""
    data = await file.read(settings.max_request_bytes + 1)
    if len(data) > settings.max_request_bytes:
        raise InputTooLarge("file", f"file exceeds {settings.max_request_bytes} bytes (ANSWERBOT_MAX_REQUEST_BYTES)")
    articles = await asyncio.to_thread(parse_article_table, data, file.filename or "")
    if len(articles) <= settings.max_bulk_articles:
        ids = [a.article_id for a in articles]
        quota = partial(check_article_quota, service.store, account.account_id, ids)
        await asyncio.to_thread(quota, settings.max_articles_per_account, "file")
    counts = await asyncio.to_thread(service.upsert_articles, account.account_id, articles)
    return UpsertCountsOut(created=counts.created, updated=counts.updated, unchanged=counts.unchanged)


@router.get("/{article_id}")
def get_article(account: AccountDep, article_id: ArticleIdPath, service: ServiceDep) -> ArticleOut:
    """One article."""
    return ArticleOut.from_stored(service.get_article(account.account_id, article_id))


@router.get("")
def list_articles(
    account: AccountDep,
    service: ServiceDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> ArticlePageOut:
    """One page of the account's articles, ordered by id."""
    return ArticlePageOut.from_page(service.list_articles(account.account_id, limit, offset))


@router.delete("/{article_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_article(account: AccountDep, article_id: ArticleIdPath, service: ServiceDep) -> Response:
    """Delete one article."""
    service.delete_article(account.account_id, article_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
