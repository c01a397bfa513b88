"""The article store protocol: articles with their vectors, stamped with the model version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = [
    "REJECTION_REASONS",
    "Account",
    "ArticleStore",
    "DailyCounts",
    "Duplicate",
    "FeedbackRecord",
    "Interaction",
    "StoreError",
    "StoredArticle",
    "VectorUpdate",
    "content_hash",
    "utc_now",
]

REJECTION_REASONS = ("unknown", "not_related", "related_but_did_not_answer")
"""Why an offered article was rejected, as Answer Bot platforms report it."""


class StoreError(RuntimeError):
    """The store could not read or write (corrupt file, constraint violated, schema too new)."""


class Duplicate(StoreError):
    """A row with the same unique key exists (an account id, a resolution of an interaction)."""


@dataclass(frozen=True)
class Account:
    """A tenant: its API key is kept only as a SHA-256 hash; None settings fall back to the global ones."""

    account_id: str
    key_hash: str | None
    score_threshold: float | None
    hybrid: bool
    created_at: str
    lexical_fallback: bool = False
    """When the encoder is down, answer with BM25 results flagged as a lexical fallback instead of 503."""
    active_version: str | None = None
    """The model version the account is ranked with (set by a re-encoding switch); None: the served version."""


@dataclass(frozen=True)
class Interaction:
    """One recommendation request and what was offered; ``day`` is its UTC date (YYYY-MM-DD)."""

    account: str
    interaction_id: str
    created_at: str
    day: str
    language: str
    offered: tuple[str, ...]

    @property
    def outcome(self) -> str:
        return "offered" if self.offered else "unoffered"


@dataclass(frozen=True)
class FeedbackRecord:
    """A resolution (``reason`` None) or a rejection with its reason, tied to an interaction."""

    account: str
    interaction_id: str
    kind: str
    article_id: str | None
    reason: str | None
    day: str
    created_at: str


@dataclass(frozen=True)
class DailyCounts:
    """One account's numbers for one UTC day; rejections keyed by reason."""

    day: str
    attempts: int
    offered: int
    unoffered: int
    resolutions: int
    rejections: dict[str, int]


@dataclass(frozen=True)
class StoredArticle:
    """One article of one account; ``vector`` is None until encoded by model ``model_version``."""

    account: str
    article_id: str
    title: str
    body: str
    locale: str | None
    labels: tuple[str, ...]
    content_hash: str
    vector: np.ndarray | None = field(compare=False, repr=False)
    model_version: str | None
    updated_at: str


VectorUpdate = tuple[str, str, np.ndarray]
"""(article_id, content_hash the vector was computed from, vector)."""

_ArticleList = list[StoredArticle]
_IdsAndMatrix = tuple[list[str], np.ndarray]


def content_hash(title: str, body: str, locale: str | None, labels: Sequence[str]) -> str:
    """SHA-256 (hex) of everything that defines an article's content: title, body, locale and labels.

    Title and body are hashed apart, not as ``article_text``, so moving a line between them is a change.
    """
    payload = json.dumps([title, body, locale, list(labels)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def utc_now() -> str:
    """The current time as ISO-8601 UTC with microseconds, e.g. ``2025-01-31T12:00:00.000000Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@runtime_checkable
class ArticleStore(Protocol):
    """Persistent articles and vectors; every method is safe to call from several threads."""

    def upsert_many(self, articles: Sequence[StoredArticle]) -> None:
        """Insert or replace all ``articles`` in one transaction: all are written or none."""
        ...

    def get(self, account: str, article_id: str) -> StoredArticle | None:
        """The article, or None."""
        ...

    def get_many(self, account: str, article_ids: Sequence[str]) -> dict[str, StoredArticle]:
        """The articles among ``article_ids`` that exist, keyed by id."""
        ...

    def list(self, account: str, limit: int, offset: int) -> _ArticleList:
        """One page of the account's articles, ordered by id."""
        ...

    def count(self, account: str | None = None) -> int:
        """Number of articles of ``account``, or of all accounts when None."""
        ...

    def delete(self, account: str, article_id: str) -> bool:
        """Delete the article; False when it did not exist."""
        ...

    def account_exists(self, account: str) -> bool:
        """Whether the account has at least one article."""
        ...

    def vectors(self, account: str, model_version: str) -> _IdsAndMatrix:
        """Ids (ordered) and float32 matrix [n, dim] of the account's vectors from ``model_version``."""
        ...

    def stale(self, model_version: str, account: str | None = None) -> _ArticleList:
        """Articles whose vector is missing or from another model version, ordered by account and id."""
        ...

    def set_vectors(self, account: str, updates: Sequence[VectorUpdate], model_version: str) -> int:
        """Store vectors in one transaction, skipping articles whose content hash changed meanwhile.

        Returns the number of articles updated.
        """
        ...

    def with_vectors(self, account: str, model_version: str) -> _ArticleList:
        """The account's articles with a vector of ``model_version``, ordered by id (for the index)."""
        ...

    # model versions (issue 7; see answerbot.store.versions)

    def account_ids(self) -> list[str]:
        """Every account with a row or with articles, ordered."""
        ...

    def active_version(self, account: str) -> str | None:
        """The account's active model version, or None (never switched)."""
        ...

    def pending(
        self,
        model_version: str,
        *,
        account: str | None = None,
        job: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int = 1000,
    ) -> _ArticleList:
        """Up to ``limit`` articles lacking an up-to-date vector of ``model_version``, by (account, id)."""
        ...

    def count_pending(self, model_version: str, *, account: str | None = None, job: str | None = None) -> int:
        """How many articles ``pending`` would list in all."""
        ...

    def put_vectors(
        self, model_version: str, rows: Sequence[tuple[str, str, str, np.ndarray]], job: str | None = None
    ) -> int:
        """Upsert (account, article_id, content_hash, vector) rows of ``model_version`` in one transaction."""
        ...

    def activate(self, account: str, model_version: str) -> int:
        """Switch the account to ``model_version`` atomically when complete; returns how many vectors are missing."""
        ...

    def prune_vectors(self, account: str, keep: Sequence[str]) -> int:
        """Delete the account's vectors of model versions not in ``keep``."""
        ...

    def begin_job(self, key: str, model_version: str) -> tuple[str, bool]:
        """The job id for ``key`` (new, or left by a killed run) and whether it was resumed."""
        ...

    def end_job(self, key: str) -> None:
        """Forget the completed job ``key``."""
        ...

    # accounts

    def create_account(self, account: Account) -> None:
        """Insert the account; Duplicate when the id exists."""
        ...

    def get_account(self, account_id: str) -> Account | None:
        """The account, or None."""
        ...

    def account_by_key_hash(self, key_hash: str) -> Account | None:
        """The account whose API key hashes to ``key_hash``, or None."""
        ...

    def update_account(self, account: Account) -> None:
        """Replace the stored key hash and settings of an existing account."""
        ...

    def list_accounts(self) -> list[Account]:
        """Every account, ordered by id."""
        ...

    # interactions and feedback

    def add_interaction(self, interaction: Interaction) -> None:
        """Record one recommendation request."""
        ...

    def get_interaction(self, account: str, interaction_id: str) -> Interaction | None:
        """The interaction of this account, or None."""
        ...

    def add_feedback(self, feedback: FeedbackRecord) -> None:
        """Record feedback; Duplicate for a second resolution, or a second rejection of the same article."""
        ...

    def analytics(self, account: str, first_day: str, last_day: str) -> list[DailyCounts]:
        """Counts per UTC day in [first_day, last_day] with at least one interaction, ordered by day."""
        ...

    def ping(self) -> None:
        """A trivial query; StoreError when the store is unreachable."""
        ...

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        ...
