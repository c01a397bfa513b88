"""The store contract, run on both stores (see conftest.py), plus SQLite-specific behaviour."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from answerbot.store import Store, StoredArticle, StoreError, content_hash
from tests.store.conftest import stale, vectors


def make(
    article_id: str,
    account: str = "acme",
    vector: np.ndarray | None = None,
    version: str | None = None,
    title: str = "Reset password",
) -> StoredArticle:
    body = f"Body of {article_id}."
    labels = ("billing", "login")
    return StoredArticle(
        account=account,
        article_id=article_id,
        title=title,
        body=body,
        locale="en",
        labels=labels,
        content_hash=content_hash(title, body, "en", labels),
        vector=vector,
        model_version=version,
        updated_at="2025-01-31T12:00:00.000000Z",
    )


def random_vector(seed: int, dim: int = 8) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(dim).astype(np.float32)


def test_creates_parent_directory(tmp_path: Path) -> None:
    Store.sqlite(tmp_path / "a" / "b" / "s.sqlite").close()
    assert (tmp_path / "a" / "b" / "s.sqlite").is_file()


def test_round_trip_keeps_fields_and_vector_bits(store: Store) -> None:
    vector = random_vector(0)
    article = make("a1", vector=vector, version="1")
    store.articles.upsert_many([article])
    got = store.articles.get("acme", "a1")
    assert got == article
    assert got is not None and got.vector is not None
    assert got.vector.dtype == np.float32
    assert got.vector.tobytes() == vector.tobytes()


def test_article_without_vector_round_trips(store: Store) -> None:
    store.articles.upsert_many([make("a1")])
    got = store.articles.get("acme", "a1")
    assert got is not None
    assert (got.vector, got.model_version) == (None, None)


def test_reopen_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    first = Store.sqlite(path)
    first.articles.upsert_many([make("a1", vector=random_vector(1), version="1")])
    first.close()
    second = Store.sqlite(path)
    assert second.articles.count("acme") == 1
    second.close()


def test_get_unknown_is_none(store: Store) -> None:
    store.articles.upsert_many([make("a1")])
    assert store.articles.get("acme", "nope") is None
    assert store.articles.get("other", "a1") is None


def test_upsert_replaces(store: Store) -> None:
    store.articles.upsert_many([make("a1", title="Old")])
    store.articles.upsert_many([make("a1", title="New")])
    got = store.articles.get("acme", "a1")
    assert got is not None and got.title == "New"
    assert store.articles.count("acme") == 1


def test_failing_batch_writes_nothing(store: Store) -> None:
    bad = dataclasses.replace(make("bad"), content_hash="not-a-sha256")
    with pytest.raises(StoreError, match="none was written"):
        store.articles.upsert_many([make("a1"), make("a2"), bad])
    assert store.articles.count() == 0


def test_failing_batch_keeps_previous_rows(store: Store) -> None:
    store.articles.upsert_many([make("a1", title="Kept")])
    with pytest.raises(StoreError):
        store.articles.upsert_many([make("a1", title="Lost"), make("")])
    got = store.articles.get("acme", "a1")
    assert got is not None and got.title == "Kept"


def test_get_many_returns_existing_only(store: Store) -> None:
    store.articles.upsert_many([make("a1"), make("a2"), make("a3", account="other")])
    assert sorted(store.articles.get_many("acme", ["a2", "a3", "a1", "zz"])) == ["a1", "a2"]


def test_list_pages_by_id_and_count(store: Store) -> None:
    store.articles.upsert_many([make(f"a{i}") for i in (3, 1, 4, 2, 5)] + [make("x", account="other")])
    page = store.articles.list("acme", limit=2, offset=1)
    assert [a.article_id for a in page] == ["a2", "a3"]
    assert (store.articles.count("acme"), store.articles.count("other"), store.articles.count()) == (5, 1, 6)


def test_delete(store: Store) -> None:
    store.articles.upsert_many([make("a1"), make("a2")])
    assert store.articles.delete("acme", "a1") is True
    assert store.articles.delete("acme", "a1") is False
    assert store.articles.get("acme", "a1") is None
    assert store.articles.count("acme") == 1


def test_vectors_only_of_the_requested_version(store: Store) -> None:
    v1, v2, v3 = random_vector(1), random_vector(2), random_vector(3)
    store.articles.upsert_many(
        [
            make("b", vector=v1, version="1"),
            make("a", vector=v2, version="1"),
            make("c", vector=v3, version="2"),
            make("d"),
            make("e", account="other", vector=random_vector(4), version="1"),
        ]
    )
    ids, matrix = vectors(store, "acme", "1")
    assert ids == ["a", "b"]
    assert matrix.dtype == np.float32
    assert matrix.tobytes() == np.stack([v2, v1]).tobytes()


def test_vectors_of_unknown_version_is_empty(store: Store) -> None:
    store.articles.upsert_many([make("a", vector=random_vector(1), version="1")])
    ids, matrix = vectors(store, "acme", "9")
    assert (ids, matrix.shape) == ([], (0, 0))


def test_stale_lists_missing_and_other_versions(store: Store) -> None:
    store.articles.upsert_many(
        [
            make("current", vector=random_vector(1), version="2"),
            make("old", vector=random_vector(2), version="1"),
            make("none"),
            make("elsewhere", account="other"),
        ]
    )
    assert [(a.account, a.article_id) for a in stale(store, "2")] == [
        ("acme", "none"),
        ("acme", "old"),
        ("other", "elsewhere"),
    ]
    assert [a.article_id for a in stale(store, "2", account="other")] == ["elsewhere"]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store.sqlite(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="schema version 99"):
        Store.sqlite(path)


def test_concurrent_writers_from_threads(store: Store) -> None:
    def write(worker: int) -> None:
        for i in range(20):
            store.articles.upsert_many([make(f"w{worker}-{i}", vector=random_vector(i), version="1")])

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.articles.count("acme") == 80


def test_content_hash_depends_on_every_part() -> None:
    base = content_hash("t", "b", "en", ("x",))
    assert (
        len(
            {
                base,
                content_hash("t2", "b", "en", ("x",)),
                content_hash("t", "b2", "en", ("x",)),
                content_hash("t", "b", "de", ("x",)),
                content_hash("t", "b", "en", ("y",)),
                content_hash("t", "b", None, ("x",)),
            }
        )
        == 6
    )
    assert content_hash("t", "b", "en", ("x",)) == base


def test_content_hash_tells_title_from_body() -> None:
    assert content_hash("a\nb", "c", None, ()) != content_hash("a", "b\nc", None, ())
