"""Training pairs from JSON Lines, CSV or Excel (XLSX): one (query, document) pair per row.

Columns (JSON keys): ``query`` (or ``ticket``, ``question``), ``document`` (or ``article``,
``answer``), optional ``doc_key`` (names the document; default: its text) and ``group`` (or
``account``; used for hard negatives). A bad row is an error naming the file and line, or, with
``skip_bad=True``, is skipped and counted.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answerbot.data.jsonl import DataError, iter_jsonl
from answerbot.data.records import Pair

__all__ = ["PairFile", "read_pairs", "write_pairs"]

QUERY_KEYS = ("query", "ticket", "question")
DOCUMENT_KEYS = ("document", "article", "answer")
GROUP_KEYS = ("group", "account")


@dataclass(frozen=True)
class PairFile:
    """The pairs read from one file and how many bad rows were skipped."""

    pairs: list[Pair]
    skipped: int


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | DataError]]:
    suffix = "".join(path.suffixes[-2:]) if path.suffix == ".gz" else path.suffix
    if suffix in {".jsonl", ".jsonl.gz"}:
        yield from iter_jsonl(path)
    elif suffix == ".csv":
        if not path.is_file():
            raise DataError(f"{path}: no such file")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                yield reader.line_num, row  # the line the row ends on (quoted fields may span lines)
    elif suffix == ".xlsx":
        yield from _xlsx_rows(path)
    else:
        raise DataError(f"{path}: unknown format {suffix!r}; use .jsonl (or .jsonl.gz), .csv or .xlsx")


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import openpyxl

    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises several unrelated types for a broken file
        raise DataError(f"{path}: not a readable .xlsx workbook ({e})") from e
    try:
        rows = book.active.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        for line_no, values in enumerate(rows, start=2):
            yield line_no, {h: v for h, v in zip(header, values, strict=False) if h}
    finally:
        book.close()


def _first(row: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((row[k] for k in keys if row.get(k) not in (None, "")), None)


def _pair(row: dict[str, Any], path: Path, line_no: int) -> Pair:
    query, document = _first(row, QUERY_KEYS), _first(row, DOCUMENT_KEYS)
    for name, value, keys in (("query", query, QUERY_KEYS), ("document", document, DOCUMENT_KEYS)):
        if not isinstance(value, str) or not value.strip():
            raise DataError(f"{path}:{line_no}: field {name!r} (or {'/'.join(keys[1:])}) must be a non-empty string")
    key = _first(row, ("doc_key",)) or document
    return Pair(query, document, str(key), str(_first(row, GROUP_KEYS) or ""))


def read_pairs(path: Path, skip_bad: bool = False) -> PairFile:
    pairs, skipped = [], 0
    for line_no, row in _rows(path):
        try:
            if isinstance(row, DataError):
                raise row
            pairs.append(_pair(row, path, line_no))
        except DataError:
            if not skip_bad:
                raise
            skipped += 1
    if not pairs:
        raise DataError(f"{path}: no usable pairs ({skipped} bad rows skipped)")
    return PairFile(pairs, skipped)


def write_pairs(pairs: list[Pair], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for p in pairs:
            record = {"query": p.query, "document": p.document, "doc_key": p.doc_key, "group": p.group}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
