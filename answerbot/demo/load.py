"""Load the demo KB into the article store through the ranking service (what `make run` serves)."""

from __future__ import annotations

from collections import defaultdict

from answerbot.demo.data import load_kb
from answerbot.service import ArticleInput, RankingService, UpsertCounts
from answerbot.settings import Settings
from answerbot.store.sqlite import SqliteArticleStore

__all__ = ["load_demo_kb"]


def load_demo_kb(settings: Settings) -> dict[str, UpsertCounts]:
    """Upsert every demo article, per account; unchanged articles are not re-encoded."""
    from answerbot.encoders.factory import build_encoder

    by_account: dict[str, list[ArticleInput]] = defaultdict(list)
    for a in load_kb():
        by_account[a.account].append(ArticleInput(a.id, a.title, a.body, a.locale, a.labels))
    store = SqliteArticleStore(settings.store_path)
    try:
        service = RankingService(store, build_encoder(settings), settings)
        service.reencode_stale()
        return {account: service.upsert_articles(account, articles) for account, articles in by_account.items()}
    finally:
        store.close()
