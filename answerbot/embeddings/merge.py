"""Merge per-language tables into one table, under a named and versioned collision strategy.

A *collision* is a word present in more than one table ("de" in German, Spanish and French).
Each strategy decides which vector the merged table keeps for it; the manifest records what was
lost. Strategies registered here:

- ``priority@1``: the first table (in the order given) that has the word wins; the other tables'
  vectors for it are dropped and counted as lost.
- ``mean@1``: the merged vector is the mean of the colliding vectors; nothing is dropped, but every
  colliding language's vector is moved (counted as "averaged").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from answerbot.embeddings.table import EmbeddingTable, TableError

__all__ = ["STRATEGIES", "MergeLayout", "merge_tables", "strategy_names"]


@dataclass
class MergeLayout:
    """The union vocabulary and, for each input table, where its words land in the merged table."""

    words: list[str]
    rows: list[np.ndarray]  # rows[t][i] = merged row of table t's word i
    owners: np.ndarray  # number of tables holding each merged word

    @classmethod
    def build(cls, tables: Sequence[EmbeddingTable]) -> MergeLayout:
        index: dict[str, int] = {}
        rows = []
        for table in tables:
            table_rows = np.empty(len(table), dtype=np.int64)
            for i, word in enumerate(table.words):
                table_rows[i] = index.setdefault(word, len(index))
            rows.append(table_rows)
        owners = np.zeros(len(index), dtype=np.int32)
        for table_rows in rows:
            owners[table_rows] += 1
        return cls(list(index), rows, owners)


def _priority(tables: Sequence[EmbeddingTable], layout: MergeLayout) -> tuple[np.ndarray, dict[str, Any]]:
    dim = tables[0].dim
    merged = np.zeros((len(layout.words), dim), dtype=np.float32)
    filled = np.zeros(len(layout.words), dtype=bool)
    lost: dict[str, int] = {}
    for table, rows in zip(tables, layout.rows, strict=True):
        new = ~filled[rows]
        merged[rows[new]] = table.vectors[new]
        filled[rows[new]] = True
        lost[table.lang or "?"] = int((~new).sum())
    return merged, {"lost": lost}


def _mean(tables: Sequence[EmbeddingTable], layout: MergeLayout) -> tuple[np.ndarray, dict[str, Any]]:
    dim = tables[0].dim
    merged = np.zeros((len(layout.words), dim), dtype=np.float32)
    averaged: dict[str, int] = {}
    for table, rows in zip(tables, layout.rows, strict=True):
        merged[rows] += np.asarray(table.vectors, dtype=np.float32)
        averaged[table.lang or "?"] = int((layout.owners[rows] > 1).sum())
    merged /= layout.owners[:, None].astype(np.float32)
    return merged, {"averaged": averaged, "lost": {lang: 0 for lang in averaged}}


Strategy = Callable[[Sequence[EmbeddingTable], MergeLayout], tuple[np.ndarray, dict[str, Any]]]

#: Versioned strategy name -> implementation. A changed behaviour gets a new version, never an edit.
STRATEGIES: dict[str, Strategy] = {"priority@1": _priority, "mean@1": _mean}


def strategy_names() -> list[str]:
    return sorted(STRATEGIES)


def _resolve(name: str) -> str:
    if name in STRATEGIES:
        return name
    versions = sorted(n for n in STRATEGIES if n.split("@")[0] == name)
    if not versions:
        raise ValueError(f"strategy={name!r} is unknown; choose one of {', '.join(strategy_names())}")
    return versions[-1]


def merge_tables(tables: Sequence[EmbeddingTable], strategy: str = "priority") -> EmbeddingTable:
    """Merge ``tables`` (in priority order) into one table; its ``meta`` is the merge manifest."""
    if not tables:
        raise ValueError("tables: nothing to merge; pass at least one table")
    langs = [t.lang or "?" for t in tables]
    if len(set(langs)) != len(langs):
        raise ValueError(f"tables: languages {langs} repeat; give each table once")
    dims = {t.lang: t.dim for t in tables}
    if len(set(dims.values())) != 1:
        raise TableError(
            f"dimension mismatch {dims}: every table must have the same dim (retrain or project)"
        )
    name = _resolve(strategy)
    layout = MergeLayout.build(tables)
    vectors, effects = STRATEGIES[name](tables, layout)
    collisions = {
        lang: int((layout.owners[rows] > 1).sum()) for lang, rows in zip(langs, layout.rows, strict=True)
    }
    meta = {
        "strategy": name,
        "languages": langs,
        "inputs": [{"lang": t.lang, "words": len(t), "sha256": t.sha256()} for t in tables],
        "counts": {
            "words": len(layout.words),
            "colliding_words": int((layout.owners > 1).sum()),
            "collisions_per_language": collisions,
            **effects,
        },
    }
    return EmbeddingTable(layout.words, vectors, None, meta)
