"""Training pairs from JSON Lines: ``{"query": ..., "document": ..., "doc_key": ...}`` per line."""

from __future__ import annotations

from pathlib import Path

from answerbot.data.jsonl import read_jsonl, require
from answerbot.model.training import Pair

__all__ = ["read_pairs", "write_pairs"]


def read_pairs(path: Path) -> list[Pair]:
    """``doc_key`` is optional: by default the document text names itself."""
    pairs = []
    for line_no, record in read_jsonl(path):
        document = require(record, "document", path, line_no)
        key = record.get("doc_key") or document
        pairs.append(Pair(require(record, "query", path, line_no), document, str(key)))
    return pairs


def write_pairs(pairs: list[Pair], path: Path) -> Path:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for p in pairs:
            out.write(json.dumps({"query": p.query, "document": p.document, "doc_key": p.doc_key}, ensure_ascii=False))
            out.write("\n")
    return path
