"""SIGKILL during acknowledged bulk writes, on SQLite and PostgreSQL: every acknowledged batch survives, whole."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from answerbot.store import Store
from tests.reliability.crash import crash_rounds
from tests.store.conftest import PG_URL, postgres_reachable

ROUNDS = 3


def test_sigkill_during_bulk_writes_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    rounds = crash_rounds(["--sqlite", str(path)], lambda: Store.sqlite(path), tmp_path, ROUNDS)
    assert [r.acknowledged for r in rounds] == sorted(r.acknowledged for r in rounds)
    assert rounds[-1].acknowledged >= ROUNDS * 2
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigkill_during_bulk_writes_on_postgres(tmp_path: Path) -> None:
    down = postgres_reachable()
    if down is not None:
        pytest.skip(down)
    schema = f"answerbot_crash_{uuid.uuid4().hex[:12]}"
    try:
        rounds = crash_rounds(
            ["--pg-url", PG_URL, "--schema", schema],
            lambda: Store.postgres(PG_URL, schema=schema),
            tmp_path,
            ROUNDS,
        )
        assert rounds[-1].acknowledged >= ROUNDS * 2
    finally:
        store = Store.postgres(PG_URL, schema=schema)
        store.drop_schema()
        store.close()
