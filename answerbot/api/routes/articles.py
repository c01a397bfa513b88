"""An account's knowledge-base articles: upload (JSON, CSV, XLSX), read, list, delete."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from pydantic import StringConstraints

from answerbot.api.deps import AccountDep, ArticleIdPath, ArticlesDep, SettingsDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas import ArticleIn, ArticleOut, ArticlePageOut, BulkArticlesIn, UpsertCountsOut
from answerbot.service import MAX_LABELS, MAX_PAGE_SIZE, ArticleInput, InputTooLarge, WriteStatus
from answerbot.service.articles import MAX_SEARCH_CHARS
from answerbot.service.uploads import ID_DEPRECATION, parse_article_table, upload_table
from answerbot.service.validation import LOCALE_PATTERN, MAX_LABEL_CHARS
from answerbot.store import ArticleFilter

__all__ = ["router"]

Label = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LABEL_CHARS, pattern=r"^[^\x00]+$")]
"""A label in a query: 1-64 characters, no NUL."""

router = APIRouter(prefix="/v1/accounts/{account}/articles", tags=["articles"], responses=ERROR_RESPONSES)


@router.put("/{article_id}", responses={201: {"model": ArticleOut, "description": "Created"}})
def put_article(
    account: AccountDep, article_id: ArticleIdPath, payload: ArticleIn, articles: ArticlesDep, response: Response
) -> ArticleOut:
    """Create (201) or replace (200) one article."""
    article = ArticleInput(article_id, payload.title, payload.body, payload.locale, tuple(payload.labels))
    write = articles.upsert_article(account.account_id, article)
    response.status_code = status.HTTP_201_CREATED if write.status is WriteStatus.CREATED else status.HTTP_200_OK
    return ArticleOut.from_stored(write.article)


@router.put("", response_model_exclude_none=True)
def put_articles(account: AccountDep, payload: BulkArticlesIn, articles: ArticlesDep) -> UpsertCountsOut:
    """Create or replace many articles at once: all are written or none; unchanged ones are not re-encoded.

    Each article names its id ``article_id`` (the old name ``id`` is read, with a note in ``deprecations``).
    """
    items = [ArticleInput(a.article_id, a.title, a.body, a.locale, tuple(a.labels)) for a in payload.articles]
    counts = articles.upsert_articles(account.account_id, items)
    old_names = [i for i, a in enumerate(payload.articles) if a.used_old_id_name]
    notes = [f"articles.{old_names[0]}.id (and {len(old_names)} in all): {ID_DEPRECATION}"] if old_names else []
    return UpsertCountsOut.from_counts(counts, notes)


@router.post("/upload", response_model_exclude_none=True)
async def upload_articles(
    account: AccountDep,
    file: Annotated[
        UploadFile, File(description="A .csv (UTF-8) or .xlsx table: article_id, title, body, locale, labels")
    ],
    articles: ArticlesDep,
    settings: SettingsDep,
) -> UpsertCountsOut:
    """Create or replace the articles of a CSV or XLSX file (labels ';'-separated): all are written or none.

    A bad value is named by its row (the header is row 1) and column: field ``body.file.rows.<row>.<column>``.
    """
    data = await file.read(settings.max_request_bytes + 1)
    if len(data) > settings.max_request_bytes:
        raise InputTooLarge("file", f"file exceeds {settings.max_request_bytes} bytes (ANSWERBOT_MAX_REQUEST_BYTES)")
    table = await asyncio.to_thread(parse_article_table, data, file.filename or "")
    counts = await asyncio.to_thread(upload_table, articles, account.account_id, table)
    return UpsertCountsOut.from_counts(counts, table.deprecations)


@router.get("/{article_id}")
def get_article(account: AccountDep, article_id: ArticleIdPath, articles: ArticlesDep) -> ArticleOut:
    """One article."""
    return ArticleOut.from_stored(articles.get_article(account.account_id, article_id))


@router.get("")
def list_articles(
    account: AccountDep,
    articles: ArticlesDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    q: Annotated[
        str | None,
        Query(max_length=MAX_SEARCH_CHARS, description="Text in the title or body (case-insensitive substring)."),
    ] = None,
    locale: Annotated[str | None, Query(pattern=LOCALE_PATTERN, description="Only articles of this locale.")] = None,
    labels: Annotated[
        list[Label] | None, Query(max_length=MAX_LABELS, description="Only articles with at least one of these.")
    ] = None,
) -> ArticlePageOut:
    """One page of the account's articles, ordered by id; ``q``, ``locale`` and ``labels`` narrow it down
    (``total`` counts the matching articles)."""
    where = ArticleFilter(q or None, locale, tuple(labels or ()))
    return ArticlePageOut.from_page(articles.list_articles(account.account_id, limit, offset, where))


@router.delete("/{article_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_article(account: AccountDep, article_id: ArticleIdPath, articles: ArticlesDep) -> Response:
    """Delete one article."""
    articles.delete_article(account.account_id, article_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
