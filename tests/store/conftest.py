"""The ``store`` fixture runs each contract test on SQLite and on PostgreSQL (a schema per test, dropped after)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from answerbot.store.sqlite import SqliteArticleStore

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


def postgres_store():
    """A PostgresArticleStore in a fresh schema; skips the test only when the server is unreachable."""
    if _PG_DOWN is not None:
        pytest.skip(_PG_DOWN)
    from answerbot.store.postgres import PostgresArticleStore

    return PostgresArticleStore(PG_URL, schema=f"answerbot_test_{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path: Path) -> Iterator:
    if request.param == "sqlite":
        s = SqliteArticleStore(tmp_path / "sub" / "articles.sqlite")
        yield s
        s.close()
        return
    s = postgres_store()
    yield s
    s.drop_schema()
    s.close()
