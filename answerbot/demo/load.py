"""Load the demo KB into the article store through the services (what `make run` serves).

Each demo account is created (once) with the known key ``demo-key-<account>``, e.g. ``demo-key-acme-cloud``;
the admin key (``ANSWERBOT_ADMIN_KEY``, development default ``answerbot-dev-admin-key``) opens every account.
Before the upload, every stored article is brought to the served model version (the re-encoding job's
``--only-stale`` mode), so a store filled by an older demo model is served by the new one.
"""

from __future__ import annotations

from collections import defaultdict

from answerbot.demo.data import load_kb
from answerbot.encoders.factory import build_encoder
from answerbot.service import ArticleInput, Services, UpsertCounts
from answerbot.service.encoding import close_encoder
from answerbot.service.reencode import reencode_stale
from answerbot.settings import Settings
from answerbot.store import open_store

__all__ = ["DEMO_KEY_PREFIX", "demo_key", "load_demo_kb"]

DEMO_KEY_PREFIX = "demo-key-"


def demo_key(account: str) -> str:
    """The documented API key of a demo account (for local demos only)."""
    return f"{DEMO_KEY_PREFIX}{account}"


def load_demo_kb(settings: Settings) -> dict[str, UpsertCounts]:
    """Create the demo accounts if missing and upsert every demo article; unchanged articles are not re-encoded."""
    by_account: dict[str, list[ArticleInput]] = defaultdict(list)
    for a in load_kb():
        by_account[a.account].append(ArticleInput(a.id, a.title, a.body, a.locale, a.labels))
    store = open_store(settings)
    encoder = build_encoder(settings)
    try:
        services = Services.build(store, encoder, settings)
        for account in by_account:
            if store.accounts.get(account) is None:
                # Hybrid scoring: on P1 dense + BM25 beats either alone (bench/RESULTS.md).
                services.accounts.create(account, hybrid=True, api_key=demo_key(account))
        reencode_stale(store, encoder)
        return {account: services.articles.upsert_articles(account, items) for account, items in by_account.items()}
    finally:
        close_encoder(encoder)
        store.close()
