"""Bring a store's schema to the newest revision with Alembic; run whenever a store opens.

- An empty database gets the tables of ``answerbot.store.tables`` (declared once, for both dialects) and is
  stamped with the newest revision: the revisions only describe changes between releases.
- A store of answerbot 0.1 (no ``alembic_version``, store schema version 3) is stamped ``0001``, the baseline,
  and upgraded through the later revisions.
- Any other store is upgraded from its revision. A store newer than this code, or older than 0.1, is refused.

All of it runs in one write transaction (PostgreSQL: under an advisory lock; SQLite: ``BEGIN IMMEDIATE``), so
two processes opening a store at once migrate it once, and a failed migration leaves the store untouched.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, delete, inspect, select, text

from answerbot.store.database import Database
from answerbot.store.errors import StoreError
from answerbot.store.tables import LEGACY_SCHEMA_VERSION, SCHEMA_VERSION, articles, meta, metadata

__all__ = ["BASELINE", "alembic_config", "current_revision", "head_revision", "upgrade"]

BASELINE = "0001"
"""The revision that stands for answerbot 0.1's schema."""
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


def _mark_schema_version(conn: Connection) -> None:
    """Write ``SCHEMA_VERSION`` where answerbot 0.1 reads it, so that 0.1 refuses the store."""
    conn.execute(delete(meta).where(meta.c.key == "schema_version"))
    conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"PRAGMA user_version = {SCHEMA_VERSION}"))


def upgrade(db: Database) -> None:
    """Create, or migrate, the store's schema to the newest revision (StoreError when it cannot)."""
    config = alembic_config()
    with db.write("migrating the store schema") as conn:
        if db.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = conn
        current, version, head = current_revision(conn), _schema_version(conn), head_revision()
        known = {revision.revision for revision in ScriptDirectory.from_config(config).walk_revisions()}
        if (current is not None and current not in known) or version > SCHEMA_VERSION:
            raise StoreError(
                f"{db.where} has schema version {version} (revision {current}), newer than the supported "
                f"{SCHEMA_VERSION} (revision {head}); upgrade answerbot or point the store elsewhere"
            )
        if current == head:
            return
        if current is None and not inspect(conn).has_table(articles.name):
            metadata.create_all(conn)
            command.stamp(config, "head")
        else:
            if current is None and version != LEGACY_SCHEMA_VERSION:
                raise StoreError(
                    f"{db.where} has schema version {version}, from before answerbot 0.1; open it once with "
                    f"answerbot 0.1.0 (which upgrades it to version {LEGACY_SCHEMA_VERSION}), then with this one"
                )
            if current is None:
                command.stamp(config, BASELINE)
            command.upgrade(config, "head")
        _mark_schema_version(conn)
