"""Feedback -> training data: (ticket, resolved article) pairs and (ticket, rejected article) hard negatives.

One universal model learns from every account, so the export reads all accounts, except those that switched
``share_feedback`` off. Each line of the JSON Lines file is one record::

    {"kind": "resolved" | "rejected", "query": ticket, "document": article text, "doc_key": "account/article",
     "group": account, "interaction_id": ..., "created_at": ...}

``document`` is the text the article is encoded from (title, newline, body without HTML). Records are
de-duplicated on (account, ticket text, kind, article); a rejection of an article that the same ticket text
resolved is dropped (the resolution wins); feedback on a deleted article is skipped. ``after``/``before`` cut
on the interaction's time (``after`` inclusive, ``before`` exclusive), so an evaluation can use only later
interactions. ``answerbot.data.feedback_pairs`` reads the file back as training pairs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from answerbot.service.errors import InvalidInput
from answerbot.store import Store
from answerbot.text import article_text

__all__ = ["ExportCounts", "export_feedback", "utc_cut"]

RESOLVED, REJECTED = "resolved", "rejected"
_KINDS = {"resolution": RESOLVED, "rejection": REJECTED}


@dataclass(frozen=True)
class ExportCounts:
    """What an export wrote and what it left out."""

    resolved: int
    rejected: int
    duplicates: int
    conflicting_rejections: int
    missing_articles: int
    opted_out_accounts: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def utc_cut(value: str | None, name: str) -> str | None:
    """An ISO date or time (naive = UTC) in the store's format ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as e:
        raise InvalidInput(name, f"{name}={value!r} is not an ISO date or time; use e.g. 2026-01-31T12:00:00Z") from e
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def export_feedback(store: Store, out: Path, after: str | None = None, before: str | None = None) -> ExportCounts:
    """Write the shared feedback in [after, before) to ``out`` (JSON Lines); returns the counts."""
    start, end = utc_cut(after, "after"), utc_cut(before, "before")
    if start is not None and end is not None and start >= end:
        raise InvalidInput("before", f"before={before!r} is not after after={after!r}; swap or widen them")
    rows = store.feedback.labelled_enquiries(start, end)
    resolved = {(r.account, r.enquiry.strip(), r.article_id) for r in rows if r.kind == "resolution"}
    seen: set[tuple[str, str, str, str]] = set()
    texts: dict[tuple[str, str], str | None] = {}
    counts = dict.fromkeys(("resolved", "rejected", "duplicates", "conflicting_rejections", "missing_articles"), 0)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            kind, query = _KINDS[row.kind], row.enquiry.strip()
            key = (row.account, query, kind, row.article_id)
            if key in seen:
                counts["duplicates"] += 1
                continue
            seen.add(key)
            if kind == REJECTED and (row.account, query, row.article_id) in resolved:
                counts["conflicting_rejections"] += 1
                continue
            if (row.account, row.article_id) not in texts:
                article = store.articles.get(row.account, row.article_id)
                texts[row.account, row.article_id] = (
                    None if article is None else article_text(article.title, article.body)
                )
            document = texts[row.account, row.article_id]
            if document is None:
                counts["missing_articles"] += 1
                continue
            record = {
                "kind": kind,
                "query": query,
                "document": document,
                "doc_key": f"{row.account}/{row.article_id}",
                "group": row.account,
                "interaction_id": row.interaction_id,
                "created_at": row.created_at,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            counts[kind] += 1
    opted_out = sum(1 for account in store.accounts.all() if not account.share_feedback)
    return ExportCounts(**counts, opted_out_accounts=opted_out)
