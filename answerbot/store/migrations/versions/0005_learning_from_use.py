"""Accounts get a target precision and a share-feedback switch; interactions keep the enquiry's text.

``target_precision`` (NULL: none) lets an account ask for a precision instead of a raw score threshold; the
service turns it into a threshold through the model's calibration. ``share_feedback`` (true for existing
accounts) says whether the account's resolutions and rejections may train the universal model. ``enquiry``
is the ticket text a feedback export pairs with the resolved or rejected article (NULL for older rows).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite stores of answerbot 0.1 have STRICT tables, which know REAL and INTEGER but not DOUBLE or BOOLEAN
    double: sa.types.TypeEngine[float] = sa.Double().with_variant(sa.REAL(), "sqlite")
    boolean: sa.types.TypeEngine[bool] = sa.Boolean().with_variant(sa.Integer(), "sqlite")
    op.add_column("accounts", sa.Column("target_precision", double, nullable=True))
    op.add_column("accounts", sa.Column("share_feedback", boolean, nullable=False, server_default=sa.text("true")))
    op.add_column("interactions", sa.Column("enquiry", sa.Text, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down; restore a backup to go back")
