"""What the store raises: it could not read or write, a unique key is taken, or a write would pass a quota."""

from __future__ import annotations

__all__ = ["Duplicate", "OverQuota", "StoreError"]


class StoreError(RuntimeError):
    """The store could not read or write (unreachable, corrupt, constraint violated, schema too new)."""


class Duplicate(StoreError):
    """A row with the same unique key exists (an account id, a resolution of an interaction)."""


class OverQuota(Exception):
    """Writing the articles would leave the account with more than ``limit`` articles; nothing was written.

    Not a StoreError: the store works, the caller asked for too much.
    """

    def __init__(self, account: str, stored: int, new: int, limit: int) -> None:
        self.account = account
        self.stored = stored
        self.new = new
        self.limit = limit
        super().__init__(f"account {account!r} has {stored} articles; {new} new ones would exceed the limit of {limit}")
