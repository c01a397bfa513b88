"""Bring a store's schema to the newest revision with Alembic; run whenever a store opens.

All revisions run in one write transaction (PostgreSQL: under an advisory lock, SQLite: ``BEGIN IMMEDIATE``),
so two processes opening a store at once migrate it once, and a failed migration leaves it untouched.
A store written by answerbot 0.1 (no ``alembic_version`` table, schema version 3) is completed by
revision ``0001`` and then upgraded like any other. A store newer than this code is refused.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, select, text

from answerbot.store.database import Database
from answerbot.store.errors import StoreError
from answerbot.store.tables import SCHEMA_VERSION, meta

__all__ = ["alembic_config", "current_revision", "head_revision", "upgrade"]

_PG_MIGRATION_LOCK = 4242


def alembic_config() -> Config:
    """The Alembic configuration of the packaged migrations (no ini file)."""
    config = Config()
    config.set_main_option("script_location", "answerbot.store:migrations")
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    """The revision the store is at (None: never migrated by Alembic)."""
    return MigrationContext.configure(conn).get_current_revision()


def _schema_version(conn: Connection) -> int:
    """The store's schema version: SQLite's ``user_version``, else ``answerbot_meta`` (0 when absent)."""
    if conn.dialect.name == "sqlite":
        return int(conn.execute(text("PRAGMA user_version")).scalar_one())
    if not inspect(conn).has_table(meta.name):
        return 0
    value = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one_or_none()
    return int(value) if value is not None else 0


def _refuse_newer(conn: Connection, db: Database) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    known = {revision.revision for revision in script.walk_revisions()}
    current = current_revision(conn)
    version = _schema_version(conn)
    if (current is not None and current not in known) or version > SCHEMA_VERSION:
        raise StoreError(
            f"{db.where} has schema version {version} (revision {current}), newer than the supported "
            f"{SCHEMA_VERSION} (revision {head_revision()}); upgrade answerbot or point the store elsewhere"
        )


def upgrade(db: Database) -> None:
    """Apply every revision the store lacks, in one transaction; StoreError when it is newer than this code."""
    config = alembic_config()
    with db.write("migrating the store schema") as conn:
        if db.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        _refuse_newer(conn, db)
        if current_revision(conn) == head_revision():
            return
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
