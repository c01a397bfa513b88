"""Articles from a CSV or XLSX table: columns article_id, title, body, locale (optional), labels (optional,
';'-separated). A table that names the id column ``id`` (the old spelling) is read, with a deprecation note.

A bad value names its row as a spreadsheet does (the header is row 1) and its column: the error's field is
``file.rows.<row>.<column>`` and its message starts with the file name, the row and the article id."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import load_workbook

from answerbot.service.articles import ArticleService, UpsertCounts
from answerbot.service.errors import InvalidInput
from answerbot.service.validation import ArticleInput

__all__ = ["COLUMNS", "ID_DEPRECATION", "ArticleTable", "parse_article_table", "upload_table"]

COLUMNS = ("article_id", "title", "body", "locale", "labels")
_REQUIRED = ("article_id", "title", "body")
_OLD_ID = "id"
ID_DEPRECATION = "the id is called article_id now; the old name id is accepted for the time being, rename it"


@dataclass(frozen=True)
class ArticleTable:
    """The articles of a table, the row each came from (header: row 1), and notes about deprecated spellings."""

    articles: list[ArticleInput]
    deprecations: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()
    filename: str = "file"


def parse_article_table(data: bytes, filename: str) -> ArticleTable:
    """The articles of a ``.csv`` (UTF-8) or ``.xlsx`` file (first sheet); the first row names the columns."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InvalidInput(
                "file", f"{filename} is not UTF-8 ({e.reason} at byte {e.start}); save it as UTF-8"
            ) from e
        rows: list[Sequence[object]] = list(csv.reader(io.StringIO(text, newline="")))
    elif name.endswith(".xlsx"):
        rows = _xlsx_rows(data, filename)
    else:
        raise InvalidInput("file", f"file {filename!r} is neither .csv nor .xlsx; upload one of those")
    return _articles(rows, filename)


def _xlsx_rows(data: bytes, filename: str) -> list[Sequence[object]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise InvalidInput("file", f"{filename} is not a readable .xlsx workbook: {e}") from e
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _cell(value: object) -> str:
    return "" if value is None else str(value).strip()


def _articles(rows: Iterable[Sequence[object]], filename: str) -> ArticleTable:
    iterator = iter(rows)
    header = [_cell(c).lower() for c in next(iterator, [])]
    deprecations: tuple[str, ...] = ()
    if _OLD_ID in header:
        if "article_id" in header:
            raise InvalidInput("file", f"{filename} has both an article_id and an id column; keep article_id only")
        header = ["article_id" if c == _OLD_ID else c for c in header]
        deprecations = (f"{filename}: column {_OLD_ID!r}: {ID_DEPRECATION}",)
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InvalidInput(
            "file",
            f"{filename} lacks the column(s) {', '.join(missing)}; the header row needs article_id, title, body",
        )
    unknown = [c for c in header if c and c not in COLUMNS]
    if unknown:
        raise InvalidInput("file", f"{filename} has unknown column(s) {', '.join(unknown)}; use {', '.join(COLUMNS)}")
    where = {name: header.index(name) for name in COLUMNS if name in header}
    articles = []
    numbers = []
    for number, row in enumerate(iterator, start=2):
        cells = {name: _cell(row[i]) if i < len(row) else "" for name, i in where.items()}
        if not any(cells.values()):
            continue
        labels = tuple(label.strip() for label in cells.get("labels", "").split(";") if label.strip())
        articles.append(
            ArticleInput(cells["article_id"], cells["title"], cells["body"], cells.get("locale") or None, labels)
        )
        numbers.append(number)
    if not articles:
        raise InvalidInput("file", f"{filename} has no article rows below its header")
    return ArticleTable(articles, deprecations, tuple(numbers), filename)


def upload_table(articles: ArticleService, account: str, table: ArticleTable) -> UpsertCounts:
    """Write the table's articles all or none; an invalid value is reported by its row and column."""
    try:
        return articles.upsert_articles(account, table.articles, "file")
    except InvalidInput as e:
        raise _by_row(e, table) from e


def _by_row(error: InvalidInput, table: ArticleTable) -> InvalidInput:
    """``error`` about ``articles.<i>.<column>`` (or all ``articles``) restated for the file's rows."""
    parts = (error.field or "").split(".", 2)
    if parts[0] != "articles":
        return error
    if len(parts) < 3 or not parts[1].isdigit():
        return type(error)("file", f"{table.filename}: {error.message}", in_body=True)
    index, column = int(parts[1]), parts[2]
    row = table.rows[index] if index < len(table.rows) else index + 2
    article_id = table.articles[index].article_id if index < len(table.articles) else ""
    message = f"{table.filename} row {row} (article_id {article_id!r}), column {column}: {error.message}"
    return type(error)(f"file.rows.{row}.{column}", message, in_body=True)
