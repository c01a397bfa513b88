"""Vectors per model version and the atomic switch, on SQLite and PostgreSQL (migrations: test_migrations.py)."""

from __future__ import annotations

import pytest

from tests.store.conftest import vectors
from tests.store.test_store_contract import make, random_vector


def test_put_vectors_is_idempotent_and_skips_changed_content(store) -> None:
    a, b = make("a"), make("b")
    store.articles.upsert_many([a, b])
    rows = [("acme", "a", a.content_hash, random_vector(1)), ("acme", "b", "0" * 64, random_vector(2))]
    assert store.vectors.put("2", rows) == 1
    assert store.vectors.put("2", rows) == 1
    ids, matrix = vectors(store, "acme", "2")
    assert ids == ["a"] and matrix.tobytes() == random_vector(1).tobytes()
    assert [x.article_id for x in store.vectors.pending("2")] == ["b"]
    assert store.articles.get("acme", "a").model_version is None  # staged, not active


def test_pending_pages_by_account_and_id_and_counts(store) -> None:
    store.articles.upsert_many([make(f"x{i}") for i in range(5)] + [make("y", account="other")])
    first = store.vectors.pending("2", limit=2)
    assert [(x.account, x.article_id) for x in first] == [("acme", "x0"), ("acme", "x1")]
    rest = store.vectors.pending("2", after=("acme", "x1"), limit=10)
    assert [x.article_id for x in rest] == ["x2", "x3", "x4", "y"]
    assert store.vectors.count_pending("2") == 6 and store.vectors.count_pending("2", account="other") == 1


def test_pending_of_a_job_lists_vectors_written_by_others(store) -> None:
    a = make("a")
    store.articles.upsert_many([a])
    store.vectors.put("2", [("acme", "a", a.content_hash, random_vector(1))], job="old")
    assert store.vectors.pending("2") == []
    assert [x.article_id for x in store.vectors.pending("2", job="new")] == ["a"]


def test_activate_refuses_while_vectors_are_missing_then_switches(store) -> None:
    a, b = make("a", vector=random_vector(1), version="1"), make("b", vector=random_vector(2), version="1")
    store.articles.upsert_many([a, b])
    store.vectors.put("2", [("acme", "a", a.content_hash, random_vector(3))])
    assert store.vectors.activate("acme", "2") == 1
    assert store.accounts.active_version("acme") is None and store.articles.get("acme", "a").model_version == "1"
    store.vectors.put("2", [("acme", "b", b.content_hash, random_vector(4))])
    assert store.vectors.activate("acme", "2") == 0
    assert store.accounts.active_version("acme") == "2"
    got = store.articles.get("acme", "b")
    assert got.model_version == "2" and got.vector.tobytes() == random_vector(4).tobytes()
    assert vectors(store, "acme", "1")[0] == ["a", "b"]  # the old version stays for readers still on it
    assert store.vectors.prune("acme", ["2"]) == 2 and vectors(store, "acme", "1")[0] == []


def test_edit_makes_other_versions_stale_and_delete_removes_all(store) -> None:
    store.articles.upsert_many([make("a", vector=random_vector(1), version="1")])
    store.vectors.put("2", [("acme", "a", make("a").content_hash, random_vector(2))])
    store.articles.upsert_many([make("a", title="Edited", vector=random_vector(3), version="1")])
    assert vectors(store, "acme", "2")[0] == [] and vectors(store, "acme", "1")[0] == ["a"]
    store.articles.delete("acme", "a")
    assert vectors(store, "acme", "1")[0] == [] and store.vectors.count_pending("1") == 0


def test_job_ids_survive_until_ended(store) -> None:
    job, resumed = store.jobs.begin("2/*", "2")
    assert resumed is False
    assert store.jobs.begin("2/*", "2") == (job, True)
    store.jobs.end("2/*")
    assert store.jobs.begin("2/*", "2")[0] != job


@pytest.mark.parametrize("version", ["1", "2"])
def test_with_vectors_reads_the_requested_version(store, version: str) -> None:
    a = make("a", vector=random_vector(1), version="1")
    store.articles.upsert_many([a])
    store.vectors.put("2", [("acme", "a", a.content_hash, random_vector(2))])
    got = store.vectors.for_index("acme", version)
    assert [x.model_version for x in got] == [version]
    assert got[0].vector.tobytes() == random_vector(int(version)).tobytes()
