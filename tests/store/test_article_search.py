"""Listing with filters, counts per locale and label, and recent top scores, on SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest

from answerbot.store import Account, ArticleFilter, FeedbackRecord, Interaction, Store, StoredArticle, content_hash

NOW = "2025-01-31T12:00:00.000000Z"


def article(article_id: str, title: str, body: str, locale: str | None, labels: tuple[str, ...]) -> StoredArticle:
    return StoredArticle(
        "acme", article_id, title, body, locale, labels, content_hash(title, body, locale, labels),
        np.ones(4, np.float32), "1", NOW,
    )  # fmt: skip


@pytest.fixture
def kb(store: Store) -> Store:
    for account in ("acme", "globex"):
        store.accounts.create(Account(account, None, None, False, NOW))
    store.articles.upsert_many(
        [
            article("pw", "Passwort ÜBER alles", "Klicken Sie auf 100% sicher.", "de", ("login", 'quote"d')),
            article("ru", "Сброс", "ПАРОЛЬ сбросить", "ru", ("login",)),
            article("bill", "Billing_page", "Invoices", "en", ("billing",)),
            article("none", "No locale", "nothing", None, ()),
        ]
    )
    other = StoredArticle("globex", "pw", "Passwort", "Passwort", "de", ("login",), "0" * 64, None, None, NOW)
    store.articles.upsert_many([other])
    return store


@pytest.mark.parametrize(
    ("where", "ids"),
    [
        (ArticleFilter("über"), ["pw"]),  # case folded beyond ASCII, in the title
        (ArticleFilter("пароль"), ["ru"]),  # and in the body
        (ArticleFilter("100%"), ["pw"]),  # LIKE wildcards are taken literally
        (ArticleFilter("%"), ["pw"]),
        (ArticleFilter("_"), ["bill"]),
        (ArticleFilter(locale="de"), ["pw"]),
        (ArticleFilter(labels=("login",)), ["pw", "ru"]),
        (ArticleFilter(labels=("billing", "nope")), ["bill"]),
        (ArticleFilter(labels=('"d',)), []),  # a label is matched whole, not as a piece of the JSON text
        (ArticleFilter(labels=('quote"d',)), ["pw"]),
        (ArticleFilter("passwort", "de", ("login",)), ["pw"]),
        (ArticleFilter("passwort", "ru"), []),
        (ArticleFilter(), ["bill", "none", "pw", "ru"]),
    ],
)
def test_list_and_count_apply_every_filter(kb: Store, where: ArticleFilter, ids: list[str]) -> None:
    assert [a.article_id for a in kb.articles.list("acme", 10, 0, where)] == ids
    assert kb.articles.count("acme", where) == len(ids)


def test_filtered_pages_are_ordered_by_id(kb: Store) -> None:
    where = ArticleFilter(labels=("login", "billing"))
    assert [a.article_id for a in kb.articles.list("acme", 2, 1, where)] == ["pw", "ru"]


def test_counts_per_locale_and_label_stay_inside_the_account(kb: Store) -> None:
    counts = kb.articles.counts("acme")
    assert counts.total == 4
    assert counts.locales == {"de": 1, "ru": 1, "en": 1, None: 1}
    assert counts.labels == {"login": 2, 'quote"d': 1, "billing": 1}
    assert kb.articles.counts("nobody").total == 0


def test_recent_scores_newest_first_with_feedback(kb: Store) -> None:
    for n, score in enumerate([0.1, None, 0.7, 0.4]):
        kb.interactions.add(
            Interaction("acme", f"i{n}", f"2025-01-31T12:00:0{n}.000000Z", "2025-01-31", "en", ("pw",), score)
        )
    kb.interactions.add(Interaction("globex", "g", "2025-01-31T13:00:00.000000Z", "2025-01-31", "en", (), 0.9))
    kb.feedback.add(FeedbackRecord("acme", "i2", "resolution", "pw", None, "2025-01-31", NOW))
    kb.feedback.add(FeedbackRecord("acme", "i3", "rejection", "pw", "not_related", "2025-01-31", NOW))
    recent = kb.feedback.recent_scores("acme", 3)
    assert [(r.top_score, r.resolved, r.rejected) for r in recent] == [
        (0.4, False, True),
        (0.7, True, False),
        (None, False, False),
    ]
