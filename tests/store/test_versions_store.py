"""Vectors per model version and the atomic switch (issue 7), on SQLite and PostgreSQL; schema-2 migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from answerbot.store import SqliteArticleStore
from tests.store.conftest import postgres_store
from tests.store.test_store_contract import make, random_vector


def test_put_vectors_is_idempotent_and_skips_changed_content(store) -> None:
    a, b = make("a"), make("b")
    store.upsert_many([a, b])
    rows = [("acme", "a", a.content_hash, random_vector(1)), ("acme", "b", "0" * 64, random_vector(2))]
    assert store.put_vectors("2", rows) == 1
    assert store.put_vectors("2", rows) == 1
    ids, matrix = store.vectors("acme", "2")
    assert ids == ["a"] and matrix.tobytes() == random_vector(1).tobytes()
    assert [x.article_id for x in store.pending("2")] == ["b"]
    assert store.get("acme", "a").model_version is None  # staged, not active


def test_pending_pages_by_account_and_id_and_counts(store) -> None:
    store.upsert_many([make(f"x{i}") for i in range(5)] + [make("y", account="other")])
    first = store.pending("2", limit=2)
    assert [(x.account, x.article_id) for x in first] == [("acme", "x0"), ("acme", "x1")]
    rest = store.pending("2", after=("acme", "x1"), limit=10)
    assert [x.article_id for x in rest] == ["x2", "x3", "x4", "y"]
    assert store.count_pending("2") == 6 and store.count_pending("2", account="other") == 1


def test_pending_of_a_job_lists_vectors_written_by_others(store) -> None:
    a = make("a")
    store.upsert_many([a])
    store.put_vectors("2", [("acme", "a", a.content_hash, random_vector(1))], job="old")
    assert store.pending("2") == []
    assert [x.article_id for x in store.pending("2", job="new")] == ["a"]


def test_activate_refuses_while_vectors_are_missing_then_switches(store) -> None:
    a, b = make("a", vector=random_vector(1), version="1"), make("b", vector=random_vector(2), version="1")
    store.upsert_many([a, b])
    store.put_vectors("2", [("acme", "a", a.content_hash, random_vector(3))])
    assert store.activate("acme", "2") == 1
    assert store.active_version("acme") is None and store.get("acme", "a").model_version == "1"
    store.put_vectors("2", [("acme", "b", b.content_hash, random_vector(4))])
    assert store.activate("acme", "2") == 0
    assert store.active_version("acme") == "2"
    got = store.get("acme", "b")
    assert got.model_version == "2" and got.vector.tobytes() == random_vector(4).tobytes()
    assert store.vectors("acme", "1")[0] == ["a", "b"]  # the old version stays for readers still on it
    assert store.prune_vectors("acme", ["2"]) == 2 and store.vectors("acme", "1")[0] == []


def test_edit_makes_other_versions_stale_and_delete_removes_all(store) -> None:
    store.upsert_many([make("a", vector=random_vector(1), version="1")])
    store.put_vectors("2", [("acme", "a", make("a").content_hash, random_vector(2))])
    store.upsert_many([make("a", title="Edited", vector=random_vector(3), version="1")])
    assert store.vectors("acme", "2")[0] == [] and store.vectors("acme", "1")[0] == ["a"]
    store.delete("acme", "a")
    assert store.vectors("acme", "1")[0] == [] and store.count_pending("1") == 0


def test_job_ids_survive_until_ended(store) -> None:
    job, resumed = store.begin_job("2/*", "2")
    assert resumed is False
    assert store.begin_job("2/*", "2") == (job, True)
    store.end_job("2/*")
    assert store.begin_job("2/*", "2")[0] != job


def _schema_2_sqlite(path: Path) -> None:
    """A store as schema 2 left it: vectors only in the article rows."""
    SqliteArticleStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE article_vectors")
        conn.execute("DROP TABLE reencode_jobs")
        conn.execute("ALTER TABLE accounts DROP COLUMN active_version")
        conn.execute("PRAGMA user_version = 2")


def test_sqlite_schema_2_migrates_without_losing_vectors(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _schema_2_sqlite(path)
    vector = random_vector(7)
    row = make("a", vector=vector, version="1")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "acme",
                "a",
                row.title,
                row.body,
                "en",
                '["billing", "login"]',
                row.content_hash,
                vector.tobytes(),
                8,
                "1",
                row.updated_at,
            ),
        )
    store = SqliteArticleStore(path)
    ids, matrix = store.vectors("acme", "1")
    assert ids == ["a"] and matrix[0].tobytes() == vector.tobytes()
    assert store.get("acme", "a") == row and store.active_version("acme") is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    store.close()


def test_postgres_schema_2_migrates_without_losing_vectors() -> None:
    store = postgres_store()
    try:
        store._conn.execute("DROP TABLE article_vectors")
        store._conn.execute("ALTER TABLE accounts DROP COLUMN active_version")
        store._conn.execute("UPDATE answerbot_meta SET value = '2' WHERE key = 'schema_version'")
        vector = random_vector(7)
        store._conn.execute(
            "INSERT INTO articles VALUES ('acme', 'a', 't', 'b', NULL, '[]', %s, %s, 8, '1', 'now')",
            ("f" * 64, vector.tobytes()),
        )
        from answerbot.store.postgres import PostgresArticleStore

        reopened = PostgresArticleStore.__new__(PostgresArticleStore)
        reopened.__dict__.update(store.__dict__)
        reopened._migrate()
        ids, matrix = reopened.vectors("acme", "1")
        assert ids == ["a"] and np.array_equal(matrix[0], vector)
        assert reopened.active_version("acme") is None
    finally:
        store.drop_schema()
        store.close()


@pytest.mark.parametrize("version", ["1", "2"])
def test_with_vectors_reads_the_requested_version(store, version: str) -> None:
    a = make("a", vector=random_vector(1), version="1")
    store.upsert_many([a])
    store.put_vectors("2", [("acme", "a", a.content_hash, random_vector(2))])
    got = store.with_vectors("acme", version)
    assert [x.model_version for x in got] == [version]
    assert got[0].vector.tobytes() == random_vector(int(version)).tobytes()
