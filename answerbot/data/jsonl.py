"""Read JSON Lines (plain or gzip) with errors that name the file and line."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["DataError", "iter_jsonl", "read_jsonl", "require"]


class DataError(ValueError):
    """A data file is missing or malformed; the message names the file and line."""


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | DataError]]:
    """Yield (line number, object) for each non-blank line; a broken line yields its DataError instead,
    so a caller can skip it and go on."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield line_no, DataError(f"{path}:{line_no}: invalid JSON ({e.msg})")
                continue
            if not isinstance(record, dict):
                yield line_no, DataError(f"{path}:{line_no}: expected a JSON object, got {type(record).__name__}")
                continue
            yield line_no, record


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank line of ``path`` (``.gz`` is decompressed)."""
    for line_no, record in iter_jsonl(path):
        if isinstance(record, DataError):
            raise record
        yield line_no, record


def require(record: dict[str, Any], key: str, path: Path, line_no: int) -> str:
    """The non-empty string ``record[key]``, or a DataError naming file, line and key."""
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{path}:{line_no}: field {key!r} must be a non-empty string, got {value!r}")
    return value
