"""Reading a feedback export: resolved pairs carry their ticket's rejections as hard negatives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from answerbot.data.feedback_pairs import read_feedback_pairs
from answerbot.data.jsonl import DataError


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def record(kind: str, query: str, key: str, group: str = "acme") -> dict:
    return {"kind": kind, "query": query, "document": f"text of {key}", "doc_key": key, "group": group}


def test_rejections_attach_to_the_resolved_pair_of_the_same_ticket(tmp_path: Path) -> None:
    path = write(
        tmp_path / "fb.jsonl",
        [
            record("resolved", "forgot password", "acme/pw"),
            record("rejected", "forgot password", "acme/bill"),
            record("rejected", "forgot password", "acme/2fa"),
            record("resolved", "invoice", "acme/bill"),
            record("rejected", "refund", "acme/pw"),  # never resolved: no positive
            record("rejected", "invoice", "acme/pw", group="other"),  # another account's ticket
        ],
    )
    read = read_feedback_pairs(path)
    got = [(p.query, p.doc_key, p.negative_key) for p in read.pairs]
    assert got == [
        ("forgot password", "acme/pw", "acme/bill"),
        ("forgot password", "acme/pw", "acme/2fa"),
        ("invoice", "acme/bill", ""),
    ]
    assert (read.negatives, read.unattached) == (2, 2)
    assert read.pairs[0].negative == "text of acme/bill"


def test_an_unknown_kind_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "fb.jsonl", [record("resolved", "a", "k"), record("maybe", "b", "k")])
    with pytest.raises(DataError, match=r"fb.jsonl:2: field 'kind' is 'maybe'"):
        read_feedback_pairs(path)
