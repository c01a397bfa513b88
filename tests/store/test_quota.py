"""The article quota is checked inside the write transaction: concurrent writers at the limit cannot both pass."""

from __future__ import annotations

import threading

import pytest

from answerbot.store import Account, OverQuota, Store
from tests.store.test_store_contract import make

LIMIT = 3
ROUNDS = 8


def _race(store: Store, account: str, writers: int) -> list[str]:
    """``writers`` threads each add one new article to ``account`` at once; returns each one's outcome."""
    start = threading.Barrier(writers)
    outcomes: list[str] = []

    def write(n: int) -> None:
        start.wait()
        try:
            store.articles.upsert_many([make(f"new{n}", account=account)], max_articles=LIMIT)
            outcomes.append("written")
        except OverQuota:
            outcomes.append("over quota")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_writers_at_the_limit_cannot_both_pass(store: Store, round_: int) -> None:
    account = f"acct{round_}"
    store.accounts.create(Account(account, None, None, False, "now"))
    store.articles.upsert_many([make(f"old{i}", account=account) for i in range(LIMIT - 1)], max_articles=LIMIT)
    assert sorted(_race(store, account, writers=2)) == ["over quota", "written"]
    assert store.articles.count(account) == LIMIT


def test_over_quota_writes_nothing_and_replacing_never_counts(store: Store) -> None:
    store.accounts.create(Account("acme", None, None, False, "now"))
    store.articles.upsert_many([make(f"a{i}") for i in range(LIMIT)], max_articles=LIMIT)
    with pytest.raises(OverQuota) as error:
        store.articles.upsert_many([make("a0", title="Changed"), make("extra")], max_articles=LIMIT)
    assert (error.value.stored, error.value.new, error.value.limit) == (LIMIT, 1, LIMIT)
    assert store.articles.get("acme", "a0").title == "Reset password"
    store.articles.upsert_many([make("a0", title="Changed")], max_articles=LIMIT)
    assert store.articles.get("acme", "a0").title == "Changed"
