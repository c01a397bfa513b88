"""The ``store`` fixture runs each contract test on SQLite and on PostgreSQL (a schema per test, dropped after);
``vectors`` and ``stale`` read what a test wants to see through the repositories."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg
import pytest

from answerbot.store import Store, StoredArticle

PG_URL = os.environ.get("ANSWERBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers at PG_URL, else why not."""
    try:
        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as e:
        return f"PostgreSQL at {PG_URL} (ANSWERBOT_TEST_PG_URL) is unreachable: {e}"
    return None


_PG_DOWN = postgres_reachable()


def postgres_store() -> Store:
    """A PostgreSQL store in a fresh schema; skips the test only when the server is unreachable."""
    if _PG_DOWN is not None:
        pytest.skip(_PG_DOWN)
    return Store.postgres(PG_URL, schema=f"answerbot_test_{uuid.uuid4().hex[:12]}")


def vectors(store: Store, account: str, version: str) -> tuple[list[str], np.ndarray]:
    """Ids (ordered) and matrix of the account's up-to-date vectors of ``version``."""
    found = store.vectors.for_index(account, version)
    if not found:
        return [], np.zeros((0, 0), dtype=np.float32)
    return [a.article_id for a in found], np.stack([a.vector for a in found if a.vector is not None])


def stale(store: Store, version: str, account: str | None = None) -> list[StoredArticle]:
    """Every article without an up-to-date vector of ``version``, by account and id."""
    return store.vectors.pending(version, account=account, limit=1_000_000)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        s = Store.sqlite(tmp_path / "sub" / "articles.sqlite")
        yield s
        s.close()
        return
    s = postgres_store()
    yield s
    s.drop_schema()
    s.close()
