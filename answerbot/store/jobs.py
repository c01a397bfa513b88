"""Full re-encoding jobs in progress: a restarted job finds its id here and resumes instead of starting over."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select

from answerbot.store.database import Database
from answerbot.store.records import utc_now
from answerbot.store.rows import insert_or_ignore
from answerbot.store.tables import reencode_jobs

__all__ = ["JobRepository", "job_key"]


def job_key(model_version: str, account: str | None) -> str:
    """The key of a full re-encoding job: one per (model version, account or every account)."""
    return f"{model_version}/{account if account is not None else '*'}"


class JobRepository:
    """The ``reencode_jobs`` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def begin(self, key: str, model_version: str) -> tuple[str, bool]:
        """The id of the job ``key`` (a new one, or the one a killed run left); True when resumed."""
        job_id = uuid.uuid4().hex
        row = {"job_key": key, "job_id": job_id, "model_version": model_version, "started_at": utc_now()}
        with self._db.write(f"starting re-encoding job {key!r}") as conn:
            conn.execute(insert_or_ignore(conn, reencode_jobs, ["job_key"]), row)
            found = str(conn.execute(select(reencode_jobs.c.job_id).where(reencode_jobs.c.job_key == key)).scalar_one())
        return found, found != job_id

    def end(self, key: str) -> None:
        """Forget the job ``key`` (it completed)."""
        with self._db.write(f"ending re-encoding job {key!r}") as conn:
            conn.execute(delete(reencode_jobs).where(reencode_jobs.c.job_key == key))
