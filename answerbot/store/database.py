"""The connection side of the store: an SQLAlchemy engine (SQLite or PostgreSQL), transactions, errors.

SQLite: one file in WAL mode (readers never wait for the writer), a pool of connections, foreign keys on,
and a ``casefold(text)`` SQL function (Python's) for case-insensitive search in every script.
Every write transaction starts with ``BEGIN IMMEDIATE``: it takes the file's write lock first, so two
writers are serialised (the second waits up to ``busy_timeout``) and a read-then-write check inside the
transaction (the article quota) cannot interleave with another writer.

PostgreSQL: psycopg 3 through a ``QueuePool`` (``pool_size`` connections, pre-pinged), READ COMMITTED;
writers that must not interleave lock rows (``SELECT ... FOR UPDATE``). ``schema`` puts every table in a
schema of its own (created when missing), e.g. one per test.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.engine import make_url

from answerbot.store.errors import Duplicate, StoreError

__all__ = ["Database"]

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_WRITE = "answerbot_write"


def _is_unique_violation(error: exc.IntegrityError) -> bool:
    orig = error.orig
    if isinstance(orig, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(orig)
    return getattr(orig, "sqlstate", None) == "23505"  # psycopg: unique_violation


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


class Database:
    """An engine plus ``read()`` / ``write()`` transactions that turn driver errors into StoreError."""

    def __init__(self, engine: Engine, where: str, schema: str | None = None) -> None:
        self.engine = engine
        self.where = where
        self.schema = schema

    @classmethod
    def sqlite(cls, path: Path | str, busy_timeout_ms: int = 5000) -> Database:
        """A SQLite file (its folder is created); WAL journal, ``BEGIN IMMEDIATE`` for writes."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the folder of article store {path}: {e}") from e
        engine = create_engine(f"sqlite:///{path}")

        @event.listens_for(engine, "connect")
        def _connect(dbapi: Any, record: Any) -> None:
            dbapi.isolation_level = None  # transactions are begun below, not by the driver
            cursor = dbapi.cursor()
            for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.close()
            # SQLite's lower() folds ASCII only; searches fold every script with Python's casefold
            dbapi.create_function("casefold", 1, _casefold, deterministic=True)

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

        return cls(engine, f"article store {path}")

    @classmethod
    def postgres(cls, url: str, schema: str = "public", pool_size: int = 5, max_overflow: int = 10) -> Database:
        """PostgreSQL at ``url`` (``postgresql://user@host:port/db``) over psycopg 3, tables in ``schema``."""
        if not _SCHEMA_NAME.fullmatch(schema):
            raise StoreError(f"schema {schema!r} is invalid; use lower-case letters, digits and '_'")
        sa_url = make_url(url).set(drivername="postgresql+psycopg")
        engine = create_engine(
            sa_url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5, "options": f"-c search_path={schema}"},
        )
        db = cls(engine, f"PostgreSQL article store (ANSWERBOT_STORE_URL, schema {schema!r})", schema)
        with db.write("creating the schema") as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        return db

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def errors(self, what: str) -> Iterator[None]:
        """Turn driver errors inside the block into Duplicate (a unique key is taken) or StoreError."""
        try:
            yield
        except exc.IntegrityError as e:
            if _is_unique_violation(e):
                raise Duplicate(f"{what}: already exists") from e
            raise StoreError(f"{what} failed: {e.orig}") from e
        except exc.SQLAlchemyError as e:
            detail = e.orig if isinstance(e, exc.DBAPIError) else e
            raise StoreError(f"{what} failed ({self.where}): {detail}") from e

    @contextmanager
    def read(self, what: str) -> Iterator[Connection]:
        """A connection for queries; nothing it does is committed."""
        with self.errors(what), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self, what: str) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with self.errors(what), self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    def ping(self) -> None:
        """A trivial query; StoreError when the store is unreachable."""
        with self.read("ping") as conn:
            conn.execute(text("SELECT 1"))

    def drop_schema(self) -> None:
        """Drop this PostgreSQL store's schema and everything in it (tests); refuses ``public`` and SQLite."""
        if self.schema in (None, "public"):
            raise StoreError("refusing to drop the public schema (or a SQLite file)")
        with self.write(f"dropping schema {self.schema!r}") as conn:
            conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))

    def close(self) -> None:
        """Close every pooled connection; the store is unusable afterwards."""
        self.engine.dispose()
