"""Interactions record their top score: the best score the threshold was compared with.

The console's threshold page replays recent interactions against other thresholds from it. Rows written
before this revision keep NULL (their scores were never stored). ``interactions_by_time`` serves "the
last N interactions of an account".

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite stores of answerbot 0.1 have STRICT tables, which know REAL but not DOUBLE
    score_type: sa.types.TypeEngine[float] = sa.Double().with_variant(sa.REAL(), "sqlite")
    op.add_column("interactions", sa.Column("top_score", score_type, nullable=True))
    op.create_index("interactions_by_time", "interactions", ["account", "created_at"])


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down; restore a backup to go back")
