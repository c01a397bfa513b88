"""Load the demo KB into the article store through the ranking service (what `make run` serves).

Each demo account is created (once) with the known key ``demo-key-<account>``, e.g. ``demo-key-acme-cloud``;
the admin key (``ANSWERBOT_ADMIN_KEY``, development default ``answerbot-dev-admin-key``) opens every account.
"""

from __future__ import annotations

from collections import defaultdict

from answerbot.demo.data import load_kb
from answerbot.service import AccountService, ArticleInput, RankingService, UpsertCounts
from answerbot.settings import Settings
from answerbot.store.factory import open_store

__all__ = ["DEMO_KEY_PREFIX", "demo_key", "load_demo_kb"]

DEMO_KEY_PREFIX = "demo-key-"


def demo_key(account: str) -> str:
    """The documented API key of a demo account (for local demos only)."""
    return f"{DEMO_KEY_PREFIX}{account}"


def load_demo_kb(settings: Settings) -> dict[str, UpsertCounts]:
    """Create the demo accounts if missing and upsert every demo article; unchanged articles are not re-encoded."""
    from answerbot.encoders.factory import build_encoder

    by_account: dict[str, list[ArticleInput]] = defaultdict(list)
    for a in load_kb():
        by_account[a.account].append(ArticleInput(a.id, a.title, a.body, a.locale, a.labels))
    store = open_store(settings)
    try:
        accounts = AccountService(store, settings)
        for account in by_account:
            if store.get_account(account) is None:
                # Hybrid scoring: on P1 dense + BM25 beats either alone (bench/RESULTS.md, issue 4).
                accounts.create(account, hybrid=True, api_key=demo_key(account))
        service = RankingService(store, build_encoder(settings), settings)
        service.reencode_stale()
        return {account: service.upsert_articles(account, articles) for account, articles in by_account.items()}
    finally:
        store.close()
