"""answerbot 0.1's schema (its store schema version 3): created in an empty database, completed in one
that an earlier 0.x left (tables and columns that are missing are added, vectors of the article rows are
copied into ``article_vectors``). Stores written by 0.1 itself pass through unchanged.

The tables are spelled out here, frozen, on purpose: later changes go into later revisions.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _articles() -> None:
    op.create_table(
        "articles",
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("locale", sa.Text),
        sa.Column("labels", sa.Text, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("vector", sa.LargeBinary),
        sa.Column("dim", sa.Integer),
        sa.Column("model_version", sa.Text),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("account", "article_id"),
        sa.CheckConstraint("length(account) BETWEEN 1 AND 128", name="articles_account"),
        sa.CheckConstraint("length(article_id) BETWEEN 1 AND 128", name="articles_article_id"),
        sa.CheckConstraint("substr(labels, 1, 1) = '['", name="articles_labels"),
        sa.CheckConstraint("length(content_hash) = 64", name="articles_content_hash"),
        sa.CheckConstraint("dim > 0", name="articles_dim"),
        sa.CheckConstraint(
            "(vector IS NULL) = (model_version IS NULL) AND (vector IS NULL) = (dim IS NULL)", name="articles_vector"
        ),
        sa.CheckConstraint("vector IS NULL OR length(vector) = 4 * dim", name="articles_vector_size"),
    )
    op.create_index("articles_by_version", "articles", ["model_version", "account"])


def _accounts() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.Text, primary_key=True),
        sa.Column("key_hash", sa.Text, unique=True),
        sa.Column("score_threshold", sa.Double),
        sa.Column("hybrid", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("lexical_fallback", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("active_version", sa.Text),
        sa.CheckConstraint("length(account_id) BETWEEN 1 AND 128", name="accounts_account_id"),
        sa.CheckConstraint("key_hash IS NULL OR length(key_hash) = 64", name="accounts_key_hash"),
        sa.CheckConstraint("score_threshold IS NULL OR score_threshold BETWEEN -1 AND 1", name="accounts_threshold"),
    )


def _interactions() -> None:
    op.create_table(
        "interactions",
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("interaction_id", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("offered", sa.Text, nullable=False),
        sa.Column("n_offered", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("account", "interaction_id"),
        sa.CheckConstraint("length(day) = 10", name="interactions_day"),
        sa.CheckConstraint("n_offered >= 0", name="interactions_n_offered"),
    )
    op.create_index("interactions_by_day", "interactions", ["account", "day"])


def _feedback() -> None:
    op.create_table(
        "feedback",
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("interaction_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.UniqueConstraint("account", "interaction_id", "kind", "article_id", name="feedback_once"),
        sa.ForeignKeyConstraint(
            ["account", "interaction_id"], ["interactions.account", "interactions.interaction_id"], name="feedback_of"
        ),
        sa.CheckConstraint("kind IN ('resolution', 'rejection')", name="feedback_kind"),
        sa.CheckConstraint("(kind = 'resolution') = (reason IS NULL)", name="feedback_reason"),
        sa.CheckConstraint("length(day) = 10", name="feedback_day"),
    )
    where = sa.text("kind = 'resolution'")
    op.create_index(
        "one_resolution",
        "feedback",
        ["account", "interaction_id"],
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )
    op.create_index("feedback_by_day", "feedback", ["account", "day"])


def _article_vectors() -> None:
    op.create_table(
        "article_vectors",
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("dim", sa.Integer, nullable=False),
        sa.Column("job", sa.Text),
        sa.PrimaryKeyConstraint("account", "article_id", "model_version"),
        sa.CheckConstraint("length(content_hash) = 64", name="article_vectors_content_hash"),
        sa.CheckConstraint("dim > 0", name="article_vectors_dim"),
        sa.CheckConstraint("length(vector) = 4 * dim", name="article_vectors_size"),
    )
    op.create_index("article_vectors_by_version", "article_vectors", ["account", "model_version", "article_id"])


def _reencode_jobs() -> None:
    op.create_table(
        "reencode_jobs",
        sa.Column("job_key", sa.Text, primary_key=True),
        sa.Column("job_id", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
    )


_TABLES = {
    "articles": _articles,
    "accounts": _accounts,
    "interactions": _interactions,
    "feedback": _feedback,
    "article_vectors": _article_vectors,
    "reencode_jobs": _reencode_jobs,
}

# SQLite stores of 0.x are STRICT tables, which take INTEGER but not BOOLEAN
_FLAG = sa.Boolean().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for name, create in _TABLES.items():
        if not inspector.has_table(name):
            create()
    columns = {c["name"] for c in inspector.get_columns("accounts")}
    if "lexical_fallback" not in columns:
        op.add_column("accounts", sa.Column("lexical_fallback", _FLAG, nullable=False, server_default=sa.text("0")))
    if "active_version" not in columns:
        op.add_column("accounts", sa.Column("active_version", sa.Text))
    # accounts that only had articles (answerbot before accounts existed) get a row without a key
    op.execute(
        "INSERT INTO accounts (account_id, hybrid, created_at) "
        "SELECT DISTINCT account, false, '1970-01-01T00:00:00.000000Z' FROM articles "
        "WHERE account NOT IN (SELECT account_id FROM accounts)"
    )
    # vectors of the article rows that article_vectors lacks (stores before vectors per version)
    op.execute(
        "INSERT INTO article_vectors (account, article_id, model_version, content_hash, vector, dim, job) "
        "SELECT a.account, a.article_id, a.model_version, a.content_hash, a.vector, a.dim, NULL FROM articles a "
        "WHERE a.vector IS NOT NULL AND NOT EXISTS (SELECT 1 FROM article_vectors v WHERE v.account = a.account "
        "AND v.article_id = a.article_id AND v.model_version = a.model_version)"
    )


def downgrade() -> None:
    raise NotImplementedError("the store is never migrated down; restore a backup to go back to answerbot 0.1")
