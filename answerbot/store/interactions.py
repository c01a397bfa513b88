"""Interactions: one row per recommendation request, with the articles it offered."""

from __future__ import annotations

import json

from sqlalchemy import select

from answerbot.store.database import Database
from answerbot.store.records import Interaction
from answerbot.store.rows import interaction_from_row
from answerbot.store.tables import interactions

__all__ = ["InteractionRepository"]


class InteractionRepository:
    """The ``interactions`` table. Writes are single inserts, so a batched writer can replace ``add`` later."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, interaction: Interaction) -> None:
        """Record one recommendation request."""
        values = {
            "account": interaction.account,
            "interaction_id": interaction.interaction_id,
            "created_at": interaction.created_at,
            "day": interaction.day,
            "language": interaction.language,
            "offered": json.dumps(list(interaction.offered)),
            "n_offered": len(interaction.offered),
            "top_score": interaction.top_score,
        }
        with self._db.write(f"interaction {interaction.interaction_id!r}") as conn:
            conn.execute(interactions.insert().values(values))

    def get(self, account: str, interaction_id: str) -> Interaction | None:
        """The interaction of this account, or None."""
        query = select(interactions).where(
            interactions.c.account == account, interactions.c.interaction_id == interaction_id
        )
        with self._db.read("reading an interaction") as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else interaction_from_row(row)
