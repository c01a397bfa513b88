"""Interactions: one row per recommendation request, with the articles it offered."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from answerbot.store.database import Database
from answerbot.store.records import Interaction
from answerbot.store.rows import insert_or_ignore, interaction_from_row
from answerbot.store.tables import interactions

__all__ = ["InteractionRepository"]


def _row(interaction: Interaction) -> dict[str, Any]:
    return {
        "account": interaction.account,
        "interaction_id": interaction.interaction_id,
        "created_at": interaction.created_at,
        "day": interaction.day,
        "language": interaction.language,
        "offered": json.dumps(list(interaction.offered)),
        "n_offered": len(interaction.offered),
        "top_score": interaction.top_score,
        "enquiry": interaction.enquiry,
    }


class InteractionRepository:
    """The ``interactions`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, interaction: Interaction) -> None:
        """Record one recommendation request."""
        self.add_many([interaction])

    def add_many(self, items: Sequence[Interaction]) -> None:
        """Record many requests in one transaction (one multi-row statement).

        Idempotent: an interaction already stored is left as it is, so a batch whose commit was not confirmed
        (the connection dropped) can be written again.
        """
        if not items:
            return
        with self._db.write(f"{len(items)} interactions") as conn:
            conn.execute(insert_or_ignore(conn, interactions, ["account", "interaction_id"]), [_row(i) for i in items])

    def get(self, account: str, interaction_id: str) -> Interaction | None:
        """The interaction of this account, or None."""
        query = select(interactions).where(
            interactions.c.account == account, interactions.c.interaction_id == interaction_id
        )
        with self._db.read("reading an interaction") as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else interaction_from_row(row)
