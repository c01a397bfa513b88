"""Alembic environment: migrations run on the connection ``answerbot.store.migrate.upgrade`` hands over,
inside its transaction (so they apply whole or not at all)."""

from __future__ import annotations

from alembic import context

from answerbot.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "answerbot migrations run when a store opens (answerbot.store.open_store); they take no alembic.ini URL"
    )
context.configure(connection=connection, target_metadata=metadata, render_as_batch=False)
with context.begin_transaction():
    context.run_migrations()
