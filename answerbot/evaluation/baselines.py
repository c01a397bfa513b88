"""Baselines of the benchmark protocols: the mean of word vectors from a (merged) table, and finding that table.

BM25 lives in :mod:`answerbot.bm25`. Both baselines read the tokens the model reads
(``answerbot.text.tokenize``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.embeddings.merge import lookup_rows
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.text import tokenize

__all__ = ["find_table", "mean_vectors", "table_hint_from_model", "table_hint_from_run", "unit_rows"]

MANIFEST = "manifest.json"


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm; all-zero rows stay zero."""
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def mean_vectors(table: EmbeddingTable, texts: Sequence[str], langs: Sequence[str | None] | str | None) -> np.ndarray:
    """float32 [len(texts), dim]: unit mean of the known words' vectors per text (zeros when none is known).

    ``langs`` is one code for all texts or one per text; ``tagged``/``route`` tables look up ``xx:word``.
    """
    per_text = [langs] * len(texts) if langs is None or isinstance(langs, str) else list(langs)
    if len(per_text) != len(texts):
        raise ValueError(f"langs: {len(per_text)} codes for {len(texts)} texts; pass one per text or one for all")
    out = np.zeros((len(texts), table.dim), dtype=np.float32)
    for i, (text, lang) in enumerate(zip(texts, per_text, strict=True)):
        rows = [r for r in lookup_rows(table, lang, tokenize(text)) if r is not None]
        if rows:
            out[i] = np.asarray(table.vectors[rows], dtype=np.float32).mean(axis=0)
    return unit_rows(out)


def table_hint_from_run(record: dict[str, Any]) -> dict[str, Any]:
    """What a training run records of its table (``TrainedModel.record["table"]``, the table's meta)."""
    return dict(record.get("table") or {})


def table_hint_from_model(metadata: dict[str, Any]) -> dict[str, Any]:
    """What an exported model's metadata says of its table (vocabulary = ``<pad>``, ``<unk>``, the table's words)."""
    hint: dict[str, Any] = {}
    if metadata.get("merge_strategy"):
        hint["strategy"] = metadata["merge_strategy"]
    if metadata.get("languages"):
        hint["languages"] = list(metadata["languages"])
    if "vocab_size" in metadata:
        hint["words"] = int(metadata["vocab_size"]) - 2
    if "embed_dim" in metadata:
        hint["dim"] = int(metadata["embed_dim"])
    return hint


def _matches(manifest: dict[str, Any], hint: dict[str, Any]) -> bool:
    return bool(hint) and all(manifest.get(key) == value for key, value in hint.items())


def find_table(hint: dict[str, Any], roots: Sequence[Path]) -> Path:
    """The one table folder under ``roots`` whose ``manifest.json`` agrees with every key of ``hint``.

    Raises TableError (asking for ``--table``) when none or several agree.
    """
    found = []
    for root in roots:
        for manifest_path in sorted(Path(root).glob(f"**/{MANIFEST}")):
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            if isinstance(manifest, dict) and _matches(manifest, hint):
                found.append(manifest_path.parent)
    where = ", ".join(str(r) for r in roots)
    if not found:
        raise TableError(f"no table under {where} matches the model's table {hint}; pass --table DIR")
    if len(found) > 1:
        raise TableError(f"{len(found)} tables under {where} match {hint} ({found[0]}, {found[1]}); pass --table DIR")
    return found[0]
