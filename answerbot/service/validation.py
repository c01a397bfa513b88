"""Input checks shared by the services: ids, text, locales, labels, enquiries and articles.

Each check raises InvalidInput (or InputTooLarge) naming the field, the bad value and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from answerbot.service.errors import InputTooLarge, InvalidInput
from answerbot.settings import Settings

__all__ = [
    "ID_PATTERN",
    "LOCALE_PATTERN",
    "MAX_LABELS",
    "MAX_LABEL_CHARS",
    "MAX_PAGE_SIZE",
    "ArticleInput",
    "check_article",
    "check_enquiry",
    "check_filters",
    "check_id",
    "check_locale",
    "check_text",
]

ID_PATTERN = r"^[A-Za-z0-9._-]{1,128}$"
"""Account, article and interaction ids: 1 to 128 letters, digits, '.', '_' or '-'."""
MAX_PAGE_SIZE = 100
MAX_LABELS = 32
MAX_LABEL_CHARS = 64

LOCALE_PATTERN = r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$"
"""A language tag like ``en`` or ``pt-BR``."""

_ID_RE = re.compile(ID_PATTERN)
_LOCALE_RE = re.compile(LOCALE_PATTERN)


@dataclass(frozen=True)
class ArticleInput:
    """An article as a client sends it."""

    article_id: str
    title: str
    body: str
    locale: str | None = None
    labels: tuple[str, ...] = ()


def check_id(value: str, field: str, what: str) -> None:
    """InvalidInput naming ``field`` unless ``value`` matches ``ID_PATTERN``."""
    if not _ID_RE.fullmatch(value):
        raise InvalidInput(
            field, f"{what} {value!r} is invalid; use 1-128 characters of letters, digits, '.', '_' or '-'"
        )


def check_text(value: str, field: str) -> None:
    """InvalidInput unless ``value`` is storable text: valid UTF-8 (no lone surrogates) and no NUL."""
    if "\x00" in value:
        raise InvalidInput(field, f"{field} contains a NUL character (\\u0000); remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InvalidInput(
            field, f"{field} is not valid Unicode text ({e.reason} at {e.start}); fix the encoding"
        ) from e


def check_locale(locale: str | None, field: str) -> None:
    """InvalidInput unless ``locale`` is None or a language tag like ``en`` or ``pt-BR``."""
    if locale is not None and not _LOCALE_RE.fullmatch(locale):
        raise InvalidInput(field, f"locale {locale!r} is invalid; use a language tag like 'en' or 'pt-BR'")


def check_filters(locale: str | None, labels: Sequence[str]) -> None:
    """Validate a recommendation's locale and label filters."""
    check_locale(locale, "locale")
    if len(labels) > MAX_LABELS:
        raise InvalidInput("labels", f"{len(labels)} labels exceed the limit of {MAX_LABELS}")
    for label in labels:
        check_text(label, "labels")


def check_enquiry(settings: Settings, enquiry: str, top_k: int | None) -> int:
    """Validate an enquiry and top_k (default ``ANSWERBOT_DEFAULT_TOP_K``); returns k."""
    k = settings.default_top_k if top_k is None else top_k
    if not 1 <= k <= settings.max_top_k:
        raise InvalidInput("top_k", f"top_k={k} is out of range; use 1 to {settings.max_top_k}")
    if not enquiry.strip():
        raise InvalidInput("enquiry", "enquiry is empty; send the text of the ticket")
    if len(enquiry) > settings.max_enquiry_chars:
        raise InputTooLarge(
            "enquiry",
            f"enquiry has {len(enquiry)} characters, more than the limit of "
            f"{settings.max_enquiry_chars} (ANSWERBOT_MAX_ENQUIRY_CHARS); shorten it",
        )
    check_text(enquiry, "enquiry")
    return k


def check_article(settings: Settings, article: ArticleInput, prefix: str = "") -> ArticleInput:
    """Validate one article (fields named ``prefix + name``); returns it with labels de-duplicated and sorted."""
    check_id(article.article_id, f"{prefix}article_id", "article id")
    check_text(article.title, f"{prefix}title")
    check_text(article.body, f"{prefix}body")
    for label in article.labels:
        check_text(label, f"{prefix}labels")
    if not article.title.strip():
        raise InvalidInput(f"{prefix}title", "title is empty; give the article a title")
    size = len(article.title) + 1 + len(article.body)
    if size > settings.max_article_chars:
        raise InputTooLarge(
            f"{prefix}body",
            f"article {article.article_id!r} has {size} characters, more than the limit of "
            f"{settings.max_article_chars} (ANSWERBOT_MAX_ARTICLE_CHARS); split or shorten it",
        )
    check_locale(article.locale, f"{prefix}locale")
    labels = tuple(sorted(set(article.labels)))
    if len(labels) > MAX_LABELS:
        raise InvalidInput(f"{prefix}labels", f"{len(labels)} labels exceed the limit of {MAX_LABELS}")
    for label in labels:
        if not label.strip() or len(label) > MAX_LABEL_CHARS:
            raise InvalidInput(
                f"{prefix}labels", f"label {label!r} is invalid; use 1 to {MAX_LABEL_CHARS} non-blank characters"
            )
    return ArticleInput(article.article_id, article.title, article.body, article.locale, labels)
