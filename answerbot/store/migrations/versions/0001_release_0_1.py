"""Baseline: the schema of answerbot 0.1 (its store schema version 3), the last release before Alembic.

``answerbot.store.migrate`` stamps a 0.1 store with this revision (its tables are already there) and
creates an empty database from ``answerbot.store.tables`` at the newest revision, so this revision never
runs. Later revisions describe what changed since.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    raise RuntimeError(
        "revision 0001 is a baseline and creates nothing: open the store with answerbot.store.Store, which creates "
        "an empty database from answerbot.store.tables and stamps a store of answerbot 0.1 with 0001"
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down; restore a backup to go back to answerbot 0.1")
