"""Reader for a feedback export (``answerbot feedback export``): training pairs with hard negatives.

Each ``resolved`` record becomes a (ticket, article) pair; each ``rejected`` record of the same account and
ticket text becomes that pair's hard negative (one pair per rejection when there are several). A rejection
whose ticket was never resolved has no positive to contrast with, so it is counted and left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from answerbot.data.jsonl import DataError, iter_jsonl, require
from answerbot.data.records import Pair

__all__ = ["FeedbackPairs", "read_feedback_pairs"]

KINDS = ("resolved", "rejected")


@dataclass(frozen=True)
class FeedbackPairs:
    """The pairs of one export, how many carry a hard negative, and the rejections left without a positive."""

    pairs: list[Pair]
    negatives: int
    unattached: int


def read_feedback_pairs(path: Path) -> FeedbackPairs:
    """Read an export; a bad line is an error naming the file, line and field."""
    resolved: list[Pair] = []
    rejected: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for line_no, record in iter_jsonl(path):
        if isinstance(record, DataError):
            raise record
        kind = require(record, "kind", path, line_no)
        if kind not in KINDS:
            raise DataError(f"{path}:{line_no}: field 'kind' is {kind!r}; expected one of {', '.join(KINDS)}")
        query, document = require(record, "query", path, line_no), require(record, "document", path, line_no)
        key, group = require(record, "doc_key", path, line_no), str(record.get("group") or "")
        if kind == "resolved":
            resolved.append(Pair(query, document, key, group))
        else:
            rejected[group, query].append((document, key))
    pairs: list[Pair] = []
    used: set[tuple[str, str]] = set()
    for pair in resolved:
        negatives = rejected.get((pair.group, pair.query), [])
        if negatives:
            used.add((pair.group, pair.query))
        pairs += [Pair(*_fields(pair), negative=d, negative_key=k) for d, k in negatives] or [pair]
    if not pairs:
        raise DataError(f"{path}: no resolved record; a feedback export needs resolutions to train on")
    unattached = sum(len(v) for k, v in rejected.items() if k not in used)
    return FeedbackPairs(pairs, sum(1 for p in pairs if p.negative), unattached)


def _fields(pair: Pair) -> tuple[str, str, str, str]:
    return pair.query, pair.document, pair.doc_key, pair.group
