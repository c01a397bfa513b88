"""Alembic migrations: a store written by the previous release (answerbot 0.1, schema version 3) keeps every
row; a fresh store's schema equals ``answerbot.store.tables``; stores newer than this code or older than 0.1
are refused with the fix.

``previous_release/*.sql`` is the DDL answerbot 0.1 ran, copied verbatim; each test fills such a store with
raw SQL, as 0.1 wrote it, then opens it with today's ``Store``.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from answerbot.store import Store, StoreError, content_hash
from answerbot.store.migrate import head_revision
from answerbot.store.tables import SCHEMA_VERSION, metadata
from tests.store.conftest import _PG_DOWN, PG_URL, postgres_store, vectors

PREVIOUS = Path(__file__).parent / "previous_release"
NOW = "2025-01-31T12:00:00.000000Z"
TABLES = {
    "articles": "account, article_id",
    "article_vectors": "account, article_id, model_version",
    "accounts": "account_id",
    "interactions": "account, interaction_id",
    "feedback": "account, interaction_id, kind, article_id",
    "reencode_jobs": "job_key",
}


def vec(seed: int, dim: int = 4) -> bytes:
    return np.random.default_rng(seed).standard_normal(dim).astype("<f4").tobytes()


def digest(title: str) -> str:
    return content_hash(title, f"body of {title}", "en", ["x"])


def article(account: str, article_id: str, seed: int | None, version: str | None) -> tuple[Any, ...]:
    blob = None if seed is None else vec(seed)
    dim = None if seed is None else 4
    return (
        account,
        article_id,
        article_id,
        f"body of {article_id}",
        "en",
        '["x"]',
        digest(article_id),
        blob,
        dim,
        version,
        NOW,
    )


ARTICLES = [
    article("acme", "a1", 1, "1"),
    article("acme", "a2", 2, "1"),
    article("globex", "g1", 3, "1"),
    article("globex", "g2", None, None),
    article("initech", "i1", 4, "2"),  # an account with articles but no account row (0.1 wrote such stores)
]
VECTORS = [
    *[(a[0], a[1], a[9], a[6], a[7], 4, None) for a in ARTICLES if a[7] is not None],
    ("acme", "a1", "2", digest("a1"), vec(11), 4, "job-1"),  # staged by a killed re-encoding job
    ("globex", "g1", "2", "0" * 64, vec(12), 4, None),  # made from older content: stale
]
ACCOUNTS = [
    ("acme", "a" * 64, 0.3, True, NOW, True, "1"),
    ("globex", "b" * 64, None, False, NOW, False, None),
]
INTERACTIONS = [
    ("acme", "i1", NOW, "2025-01-31", "en", '["a1", "a2"]', 2),
    ("acme", "i2", NOW, "2025-01-31", "de", "[]", 0),
    ("globex", "i3", NOW, "2025-01-30", "en", '["g1"]', 1),
]
FEEDBACK = [
    ("acme", "i1", "resolution", "a1", None, "2025-01-31", NOW),
    ("acme", "i1", "rejection", "a2", "not_related", "2025-01-31", NOW),
]
JOBS = [("2/*", "job-1", "2", NOW)]


@dataclass
class Previous:
    """A store as answerbot 0.1 left it: ``raw()`` connects with the plain driver, ``open()`` with today's code."""

    raw: Callable[[], Any]
    open: Callable[[], Store]
    marks: str  # the driver's placeholder


def _fill(conn: Any, marks: str) -> None:
    rows = {
        "articles": ARTICLES,
        "article_vectors": VECTORS,
        "accounts": ACCOUNTS,
        "interactions": INTERACTIONS,
        "feedback": FEEDBACK,
        "reencode_jobs": JOBS,
    }
    for table, values in rows.items():
        names = {
            "accounts": "account_id, key_hash, score_threshold, hybrid, created_at, lexical_fallback, active_version",
            "article_vectors": "account, article_id, model_version, content_hash, vector, dim, job",
        }.get(table)
        columns = f" ({names})" if names else ""
        for row in values:
            if table == "accounts" and marks == "?":
                row = (*row[:3], int(row[3]), row[4], int(row[5]), row[6])
            conn.execute(f"INSERT INTO {table}{columns} VALUES ({', '.join([marks] * len(row))})", row)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


@pytest.fixture(params=["sqlite", "postgres"])
def previous(request, tmp_path: Path) -> Iterator[Previous]:
    if request.param == "sqlite":
        path = tmp_path / "previous.sqlite"
        with sqlite3.connect(path) as conn:
            for statement in _statements((PREVIOUS / "sqlite.sql").read_text()):
                conn.execute(statement)
            _fill(conn, "?")
        yield Previous(lambda: sqlite3.connect(path), lambda: Store.sqlite(path), "?")
        return
    if _PG_DOWN is not None:
        pytest.skip(_PG_DOWN)
    schema = f"answerbot_prev_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    raw = lambda: psycopg.connect(PG_URL, autocommit=True, options=f"-c search_path={schema}")  # noqa: E731
    with raw() as conn:
        for statement in _statements((PREVIOUS / "postgres.sql").read_text()):
            conn.execute(statement)
        _fill(conn, "%s")
    yield Previous(raw, lambda: Store.postgres(PG_URL, schema=schema), "%s")
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _dump(previous: Previous) -> dict[str, list[tuple[Any, ...]]]:
    with previous.raw() as conn:
        out = {}
        for table, key in TABLES.items():
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
            out[table] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]
        return out


def test_previous_release_store_keeps_every_row(previous: Previous) -> None:
    before = _dump(previous)
    store = previous.open()
    try:
        after = _dump(previous)
        for table in ("articles", "article_vectors", "feedback", "reencode_jobs"):
            assert after[table] == before[table], table
        # interactions gained top_score (0003) and enquiry (0005), NULL for the rows written before
        assert [row[:-2] for row in after["interactions"]] == before["interactions"]
        assert [row[-2:] for row in after["interactions"]] == [(None, None)] * len(INTERACTIONS)
        # accounts gained generation (0004), from 0, target_precision (NULL) and share_feedback (true) (0005)
        assert [row[:-4] for row in after["accounts"]] == [row[:-1] for row in before["accounts"]]
        # explicit active versions: kept, or the version of the account's up-to-date vectors; generations from 0
        assert [(row[0], row[-4], row[-3]) for row in after["accounts"]] == [("acme", "1", 0), ("globex", "1", 0)]
        assert [(row[-2], bool(row[-1])) for row in after["accounts"]] == [(None, True), (None, True)]
        # and the repositories read the old rows
        got = store.articles.get("acme", "a1")
        assert got is not None and got.vector is not None and got.vector.tobytes() == vec(1)
        assert got.labels == ("x",) and got.model_version == "1"
        assert vectors(store, "acme", "2")[0] == ["a1"] and store.vectors.count_pending("2", job="job-1") == 4
        assert store.jobs.begin("2/*", "2") == ("job-1", True)
        acme = store.accounts.by_key_hash("a" * 64)
        assert acme is not None and (acme.score_threshold, acme.hybrid, acme.lexical_fallback) == (0.3, True, True)
        assert (acme.target_precision, acme.share_feedback) == (None, True)
        interaction = store.interactions.get("acme", "i1")
        assert interaction is not None and interaction.offered == ("a1", "a2") and interaction.top_score is None
        (day,) = store.feedback.analytics("acme", "2025-01-01", "2025-12-31")
        assert (day.attempts, day.offered, day.resolutions, day.rejections["not_related"]) == (2, 1, 1, 1)
        # the new columns are written and read on the migrated store
        store.interactions.add(dataclasses.replace(interaction, interaction_id="i9", top_score=0.625, enquiry="hi"))
        assert [s.top_score for s in store.feedback.recent_scores("acme", 2)] == [0.625, None]
        stored = store.interactions.get("acme", "i9")
        assert stored is not None and stored.enquiry == "hi"
        store.accounts.update(dataclasses.replace(acme, hybrid=False, target_precision=0.9, share_feedback=False))
        updated = store.accounts.get("acme")
        assert updated is not None and (updated.target_precision, updated.share_feedback) == (0.9, False)
        assert store.accounts.generation_by_id() == {"acme": 1, "globex": 0}
    finally:
        store.close()


def test_migrated_store_opens_again_unchanged(previous: Previous) -> None:
    previous.open().close()
    once = _dump(previous)
    previous.open().close()
    assert _dump(previous) == once


def test_store_from_before_0_1_is_refused_with_the_fix(previous: Previous) -> None:
    """A store of answerbot before vectors per version (schema 2): no article_vectors, no active_version."""
    with previous.raw() as conn:
        conn.execute("DROP TABLE article_vectors")
        conn.execute("ALTER TABLE accounts DROP COLUMN active_version")
        if previous.marks == "?":
            conn.execute("PRAGMA user_version = 2")
        else:
            conn.execute("UPDATE answerbot_meta SET value = '2' WHERE key = 'schema_version'")
    before = _dump_some(previous)
    with pytest.raises(
        StoreError, match=r"schema version 2, from before answerbot 0.1; open it once with answerbot 0.1"
    ):
        previous.open()
    assert _dump_some(previous) == before  # untouched


def _dump_some(previous: Previous) -> list[tuple[Any, ...]]:
    with previous.raw() as conn:
        return [tuple(row) for row in conn.execute("SELECT account, article_id, content_hash FROM articles")]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_fresh_schema_equals_the_table_declarations(backend: str, tmp_path: Path) -> None:
    store = Store.sqlite(tmp_path / "fresh.sqlite") if backend == "sqlite" else postgres_store()
    try:
        with store.db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        if backend == "postgres":
            store.drop_schema()
        store.close()


def test_newer_store_is_refused(previous: Previous) -> None:
    previous.open().close()
    with previous.raw() as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match=r"newer than the supported .*revision " + head_revision()):
        previous.open()


def test_store_marks_its_schema_version_for_older_releases(previous: Previous) -> None:
    previous.open().close()
    with previous.raw() as conn:
        value = conn.execute("SELECT value FROM answerbot_meta WHERE key = 'schema_version'").fetchone()[0]
        assert int(value) == SCHEMA_VERSION > 3  # answerbot 0.1 refuses a schema newer than 3
        if previous.marks == "?":
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
