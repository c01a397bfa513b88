"""Accounts (tenants): settings, the hash of their API key, the model version they are ranked with, and the
generation that tells other processes' caches that something of the account changed."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, func, or_, select, union, update

from answerbot.store.database import Database
from answerbot.store.records import Account
from answerbot.store.rows import account_from_row
from answerbot.store.tables import accounts, articles

__all__ = ["AccountRepository", "Generations", "bump_generation"]

Generations = tuple[int, int]
"""(number of accounts, sum of their generations): changes whenever any account is created or changed."""


def bump_generation(conn: Connection, account_ids: Iterable[str], version: str | None = None) -> None:
    """Bump the generation of ``account_ids`` inside the caller's write transaction.

    With ``version``, only accounts ranked with that version (active on it, or on none yet) are bumped: vectors
    of another version change nothing an API process caches.
    """
    ids = sorted(set(account_ids))
    if not ids:
        return
    query = update(accounts).where(accounts.c.account_id.in_(ids))
    if version is not None:
        query = query.where(or_(accounts.c.active_version == version, accounts.c.active_version.is_(None)))
    conn.execute(query.values(generation=accounts.c.generation + 1))


class AccountRepository:
    """The ``accounts`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, account: Account) -> None:
        """Insert the account; Duplicate when the id (or the key hash) exists."""
        values = {c.name: getattr(account, c.name) for c in accounts.columns}
        with self._db.write(f"account {account.account_id!r}") as conn:
            conn.execute(accounts.insert().values(values))

    def get(self, account_id: str) -> Account | None:
        """The account, or None."""
        return self._one(accounts.c.account_id == account_id)

    def by_key_hash(self, key_hash: str) -> Account | None:
        """The account whose API key hashes to ``key_hash``, or None."""
        return self._one(accounts.c.key_hash == key_hash)

    def update(self, account: Account) -> None:
        """Replace the stored key hash and settings of an existing account (not its active version); bumps its
        generation."""
        query = (
            update(accounts)
            .where(accounts.c.account_id == account.account_id)
            .values(
                key_hash=account.key_hash,
                score_threshold=account.score_threshold,
                hybrid=account.hybrid,
                lexical_fallback=account.lexical_fallback,
                target_precision=account.target_precision,
                share_feedback=account.share_feedback,
                generation=accounts.c.generation + 1,
            )
        )
        with self._db.write(f"updating account {account.account_id!r}") as conn:
            conn.execute(query)

    def all(self) -> list[Account]:
        """Every account, ordered by id."""
        with self._db.read("listing accounts") as conn:
            rows = conn.execute(select(accounts).order_by(accounts.c.account_id)).mappings()
            return [account_from_row(row) for row in rows]

    def ids(self) -> list[str]:
        """Every account with a row or with articles, ordered."""
        query = union(select(accounts.c.account_id.label("a")), select(articles.c.account.label("a")).distinct())
        with self._db.read("listing account ids") as conn:
            return sorted(str(a) for a in conn.scalars(query))

    def generations(self) -> Generations:
        """How many accounts there are and the sum of their generations: one cheap row to poll."""
        query = select(func.count(), func.coalesce(func.sum(accounts.c.generation), 0))
        with self._db.read("reading account generations") as conn:
            count, total = conn.execute(query.select_from(accounts)).one()
        return int(count), int(total)

    def generation_by_id(self) -> dict[str, int]:
        """Every account's generation."""
        with self._db.read("reading account generations") as conn:
            return {str(a): int(g) for a, g in conn.execute(select(accounts.c.account_id, accounts.c.generation))}

    def active_version(self, account_id: str) -> str | None:
        """The account's active model version, or None (no vectors yet, or no such account)."""
        found = self.get(account_id)
        return None if found is None else found.active_version

    def _one(self, where: object) -> Account | None:
        with self._db.read("reading an account") as conn:
            row = conn.execute(select(accounts).where(where)).mappings().first()  # type: ignore[arg-type]
        return None if row is None else account_from_row(row)
