"""Per-account quota: an account holds at most ``ANSWERBOT_MAX_ARTICLES_PER_ACCOUNT`` articles.

Checked before a write (a soft limit: two concurrent writes near the limit may both pass); replacing an
existing article never counts against it.
"""

from __future__ import annotations

from collections.abc import Sequence

from answerbot.service.errors import Conflict
from answerbot.store.base import ArticleStore

__all__ = ["QuotaExceeded", "check_article_quota"]


class QuotaExceeded(Conflict):
    """The write would take the account past its article quota."""


def check_article_quota(store: ArticleStore, account: str, article_ids: Sequence[str], limit: int, field: str) -> None:
    """QuotaExceeded naming ``field`` when writing ``article_ids`` would leave ``account`` with more than ``limit``."""
    stored = store.count(account)
    ids = set(article_ids)
    if stored + len(ids) <= limit:  # fast path: no lookup of which ids exist
        return
    new = len(ids - store.get_many(account, list(ids)).keys())
    if new and stored + new > limit:
        raise QuotaExceeded(
            field,
            f"account {account!r} has {stored} articles; {new} new ones would exceed the limit of {limit} "
            "(ANSWERBOT_MAX_ARTICLES_PER_ACCOUNT); delete articles first or raise the limit",
        )
