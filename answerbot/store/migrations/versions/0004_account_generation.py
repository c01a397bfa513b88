"""Accounts get a ``generation``: a counter bumped in every transaction that changes what an API process caches.

The API keeps each account's settings, key hash and ranked articles in memory. A write in one process (a key
rotation, a settings change, an upload, a re-encoding switch) bumps the account's generation in the same
transaction; every other process reads the generations at most every ``ANSWERBOT_CACHE_MAX_AGE_S`` seconds
and drops what changed. Existing accounts start at 0.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("generation", sa.Integer, nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down; restore a backup to go back")
