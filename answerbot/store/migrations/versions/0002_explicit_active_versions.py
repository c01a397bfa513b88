"""Every account with vectors gets an explicit active model version; SQLite stores get ``answerbot_meta``.

In answerbot 0.1 an account never switched by a re-encoding job had ``active_version`` NULL, meaning
"whatever version the API serves", and the API re-encoded stale articles at start-up. The API no longer
re-encodes (the ``reencode`` job does), so NULL would leave such an account without rankable vectors
after a model upgrade. Each one is set to the version most of its articles have an up-to-date vector of
(the newer version on a tie); accounts without vectors keep NULL until their first article is written.

``answerbot_meta`` (0.1 had it on PostgreSQL only) holds the schema version on both dialects; the migration
runner writes it after every upgrade.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _version_key(version: str) -> tuple[int, str]:
    return (int(version), version) if version.isdigit() else (-1, version)


def upgrade() -> None:
    bind = op.get_bind()
    counts = bind.execute(
        sa.text(
            "SELECT v.account, v.model_version, count(*) AS n FROM article_vectors v JOIN articles a "
            "ON a.account = v.account AND a.article_id = v.article_id AND a.content_hash = v.content_hash "
            "JOIN accounts c ON c.account_id = v.account WHERE c.active_version IS NULL "
            "GROUP BY v.account, v.model_version"
        )
    ).all()
    best: dict[str, tuple[int, tuple[int, str], str]] = {}
    for account, version, n in counts:
        candidate = (int(n), _version_key(version), version)
        if account not in best or candidate > best[account]:
            best[account] = candidate
    for account, (_, _, version) in sorted(best.items()):
        bind.execute(
            sa.text("UPDATE accounts SET active_version = :version WHERE account_id = :account"),
            {"version": version, "account": account},
        )
    if not sa.inspect(bind).has_table("answerbot_meta"):
        op.create_table(
            "answerbot_meta",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down; restore a backup to go back to answerbot 0.1")
