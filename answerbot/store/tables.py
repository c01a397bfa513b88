"""The store's tables, declared once: SQLAlchemy renders them for SQLite and for PostgreSQL.

- ``articles``: one row per (account, article_id); ``vector``/``dim``/``model_version`` hold a copy of the
  vector of the account's active version (what ``get`` and ``list`` show).
- ``article_vectors``: every vector ever written, one row per (account, article_id, model_version). A vector
  counts for an article only while its ``content_hash`` equals the article's: an edit makes old vectors
  stale without deleting them. ``job`` names the full re-encoding job that wrote it (to resume a killed job).
- ``accounts``: tenants; ``active_version`` is the model version the account is ranked with; ``generation`` is
  bumped by every transaction that changes the account, its articles or its active vectors (what API processes
  cache; see ``answerbot.store.accounts.bump_generation``); ``target_precision`` (NULL: none) is turned into a
  threshold through the model's calibration; ``share_feedback`` false keeps the account's feedback out of training.
- ``interactions`` and ``feedback``: every recommendation request and what users said about it;
  ``top_score`` is the best score the threshold was compared with (NULL before it was recorded, and for
  the lexical fallback, whose BM25 scores are on another scale); ``enquiry`` is the ticket's text (NULL before
  it was kept), what a feedback export pairs with the resolved or rejected article.
- ``reencode_jobs``: full re-encoding jobs in progress.
- ``answerbot_meta``: ``schema_version``, kept so that answerbot 0.1 (which reads it) refuses a newer store.

Changing a table means a new migration under ``answerbot/store/migrations/versions``;
``tests/store/test_migrations.py`` checks that the migrated schema equals these declarations.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Double,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.schema import SchemaItem

__all__ = [
    "LEGACY_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "accounts",
    "article_vectors",
    "articles",
    "feedback",
    "interactions",
    "meta",
    "metadata",
    "reencode_jobs",
]

SCHEMA_VERSION = 5
"""Written to ``answerbot_meta`` (and SQLite's ``user_version``); answerbot 0.1 supports up to 3."""
LEGACY_SCHEMA_VERSION = 3
"""The schema of answerbot 0.1, the last release before Alembic."""

metadata = MetaData()


def _required_text(*names: str) -> list[Column[str]]:
    """NOT NULL text columns."""
    return [Column(name, Text, nullable=False) for name in names]


def _vector(table: str, required: bool) -> list[SchemaItem]:
    """A float32 vector as little-endian bytes, and its dimension: ``length(vector) = 4 * dim``."""
    return [
        Column("vector", LargeBinary, nullable=not required),
        Column("dim", Integer, nullable=not required),
        CheckConstraint("dim > 0", name=f"{table}_dim"),
        CheckConstraint("vector IS NULL OR length(vector) = 4 * dim", name=f"{table}_vector_size"),
    ]


articles = Table(
    "articles",
    metadata,
    *_required_text("account", "article_id", "title", "body"),
    Column("locale", Text),
    *_required_text("labels", "content_hash"),
    *_vector("articles", required=False),
    Column("model_version", Text),
    Column("updated_at", Text, nullable=False),
    PrimaryKeyConstraint("account", "article_id"),
    CheckConstraint("length(account) BETWEEN 1 AND 128", name="articles_account"),
    CheckConstraint("length(article_id) BETWEEN 1 AND 128", name="articles_article_id"),
    CheckConstraint("substr(labels, 1, 1) = '['", name="articles_labels"),
    CheckConstraint("length(content_hash) = 64", name="articles_content_hash"),
    CheckConstraint(
        "(vector IS NULL) = (model_version IS NULL) AND (vector IS NULL) = (dim IS NULL)", name="articles_vector"
    ),
    Index("articles_by_version", "model_version", "account"),
)

article_vectors = Table(
    "article_vectors",
    metadata,
    *_required_text("account", "article_id", "model_version", "content_hash"),
    *_vector("article_vectors", required=True),
    Column("job", Text),
    PrimaryKeyConstraint("account", "article_id", "model_version"),
    CheckConstraint("length(content_hash) = 64", name="article_vectors_content_hash"),
    Index("article_vectors_by_version", "account", "model_version", "article_id"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", Text, primary_key=True),
    Column("key_hash", Text, unique=True),
    Column("score_threshold", Double),
    Column("hybrid", Boolean, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("lexical_fallback", Boolean, nullable=False, server_default=text("false")),
    Column("active_version", Text),
    Column("generation", Integer, nullable=False, server_default=text("0")),
    Column("target_precision", Double),
    Column("share_feedback", Boolean, nullable=False, server_default=text("true")),
    CheckConstraint("length(account_id) BETWEEN 1 AND 128", name="accounts_account_id"),
    CheckConstraint("key_hash IS NULL OR length(key_hash) = 64", name="accounts_key_hash"),
    CheckConstraint("score_threshold IS NULL OR score_threshold BETWEEN -1 AND 1", name="accounts_threshold"),
)

interactions = Table(
    "interactions",
    metadata,
    *_required_text("account", "interaction_id", "created_at", "day", "language", "offered"),
    Column("n_offered", Integer, nullable=False),
    Column("top_score", Double),
    Column("enquiry", Text),
    PrimaryKeyConstraint("account", "interaction_id"),
    CheckConstraint("length(day) = 10", name="interactions_day"),
    CheckConstraint("n_offered >= 0", name="interactions_n_offered"),
    Index("interactions_by_day", "account", "day"),
    Index("interactions_by_time", "account", "created_at"),
)

feedback = Table(
    "feedback",
    metadata,
    *_required_text("account", "interaction_id", "kind", "article_id"),
    Column("reason", Text),
    *_required_text("day", "created_at"),
    UniqueConstraint("account", "interaction_id", "kind", "article_id", name="feedback_once"),
    ForeignKeyConstraint(
        ["account", "interaction_id"], ["interactions.account", "interactions.interaction_id"], name="feedback_of"
    ),
    CheckConstraint("kind IN ('resolution', 'rejection')", name="feedback_kind"),
    CheckConstraint("(kind = 'resolution') = (reason IS NULL)", name="feedback_reason"),
    CheckConstraint("length(day) = 10", name="feedback_day"),
    Index(
        "one_resolution",
        "account",
        "interaction_id",
        unique=True,
        sqlite_where=text("kind = 'resolution'"),
        postgresql_where=text("kind = 'resolution'"),
    ),
    Index("feedback_by_day", "account", "day"),
)

reencode_jobs = Table(
    "reencode_jobs",
    metadata,
    Column("job_key", Text, primary_key=True),
    *_required_text("job_id", "model_version", "started_at"),
)

meta = Table(
    "answerbot_meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
