"""Every write that changes what an API process caches about an account bumps the account's generation."""

from __future__ import annotations

import dataclasses

import numpy as np

from answerbot.store import Account, StoredArticle, content_hash

NOW = "2025-01-31T12:00:00.000000Z"


def article(article_id: str, account: str = "acme", version: str | None = "1") -> StoredArticle:
    vector = None if version is None else np.ones(4, dtype=np.float32) / 2
    digest = content_hash("t", f"body {article_id}", None, ())
    return StoredArticle(account, article_id, "t", f"body {article_id}", None, (), digest, vector, version, NOW)


def generation(store, account: str = "acme") -> int:
    found = store.accounts.get(account)
    assert found is not None
    return found.generation


def test_each_kind_of_write_bumps_only_its_account(store) -> None:
    store.accounts.create(Account("acme", "a" * 64, None, False, NOW))
    store.accounts.create(Account("globex", "b" * 64, None, False, NOW))
    assert store.accounts.generations() == (2, 0)
    steps = [
        lambda: store.articles.upsert_many([article("a1"), article("a2")]),
        lambda: store.articles.delete("acme", "a2"),
        lambda: store.accounts.update(dataclasses.replace(store.accounts.get("acme"), hybrid=True)),
        lambda: store.vectors.put("1", [("acme", "a1", article("a1").content_hash, np.ones(4) / 2)]),
        lambda: store.vectors.put("2", [("acme", "a1", article("a1").content_hash, np.ones(4) / 2)]),
        lambda: store.vectors.activate("acme", "2"),
    ]
    seen = [generation(store)]
    for step in steps:
        step()
        seen.append(generation(store))
    # vectors of version 2 while acme is ranked with version 1 change nothing it caches: no bump there
    assert seen == [0, 1, 2, 3, 4, 4, 5]
    assert generation(store, "globex") == 0
    assert store.accounts.generations() == (2, 5)
    assert store.accounts.generation_by_id() == {"acme": 5, "globex": 0}
