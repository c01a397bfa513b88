"""Merge per-language tables into one table, under a named and versioned collision strategy.

A *collision* is a word present in more than one table ("de" in German, Spanish and French).
Each strategy decides which vector(s) the merged table keeps for it; the manifest records the
inputs (sha256), the strategy, its parameters and what was lost. Strategies registered here:

- ``priority@1``: the first table (in the order given) that has the word wins; the other tables'
  vectors for it are dropped and counted as lost.
- ``mean@1``: the merged vector is the mean of the colliding vectors; nothing is dropped, but every
  colliding language's vector is moved (counted as "averaged").
- ``weighted@1``: like mean, weighted by each language's relative corpus frequency of the word
  (``count / total count`` of that table, so a big corpus does not win by size). Tables without
  ``counts`` fall back to a Zipf estimate from the row rank (``1 / (rank + 1)``), recorded in the manifest.
- ``tagged@1``: words seen in one table stay as they are; a colliding word is kept once per
  language as ``xx:word`` (no plain entry). Nothing is lost; the vocabulary grows.
- ``route@1``: the approach-3 baseline: no sharing at all, every word of every table is kept as
  ``xx:word`` (separate tables selected by a language code, stored in one table).

``tagged`` and ``route`` words are looked up per language: see :func:`lookup_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from answerbot.embeddings.table import EmbeddingTable, TableError

__all__ = [
    "STRATEGIES",
    "MergeLayout",
    "language_key",
    "lookup_rows",
    "merge_tables",
    "resolve_strategy",
    "strategy_names",
]

_CHUNK = 65_536


@dataclass
class MergeLayout:
    """The union vocabulary and, for each input table, where its words land in the merged table."""

    words: list[str]
    rows: list[np.ndarray]  # rows[t][i] = union row of table t's word i
    owners: np.ndarray  # number of tables holding each union word

    @classmethod
    def build(cls, tables: Sequence[EmbeddingTable]) -> MergeLayout:
        index: dict[str, int] = {}
        rows = []
        for table in tables:
            table_rows = np.fromiter(
                (index.setdefault(word, len(index)) for word in table.words), dtype=np.int64, count=len(table)
            )
            rows.append(table_rows)
        owners = np.zeros(len(index), dtype=np.int32)
        for table_rows in rows:
            owners[table_rows] += 1
        return cls(list(index), rows, owners)


def language_key(lang: str, word: str) -> str:
    """The merged-table word of ``word`` in language ``lang`` under ``tagged``/``route``."""
    return f"{lang}:{word}"


def _chunks(n: int) -> range:
    return range(0, n, _CHUNK)


def _langs(tables: Sequence[EmbeddingTable]) -> list[str]:
    return [t.lang or "?" for t in tables]


Result = tuple[list[str], np.ndarray, dict[str, Any], dict[str, Any]]  # words, vectors, effects, params


def _priority(tables: Sequence[EmbeddingTable], layout: MergeLayout, dtype: np.dtype) -> Result:
    merged = np.zeros((len(layout.words), tables[0].dim), dtype=dtype)
    filled = np.zeros(len(layout.words), dtype=bool)
    lost: dict[str, int] = {}
    for table, rows in zip(tables, layout.rows, strict=True):
        new = ~filled[rows]
        for start in _chunks(len(table)):  # chunked: no full copy of a (memory-mapped) input
            part, take = rows[start : start + _CHUNK], new[start : start + _CHUNK]
            merged[part[take]] = table.vectors[start : start + _CHUNK][take]
        filled[rows] = True
        lost[table.lang or "?"] = int((~new).sum())
    return layout.words, merged, {"lost": lost}, {"order": _langs(tables)}


def _weighted_sum(
    tables: Sequence[EmbeddingTable], layout: MergeLayout, dtype: np.dtype, weights: list[np.ndarray]
) -> tuple[np.ndarray, dict[str, int]]:
    merged = np.zeros((len(layout.words), tables[0].dim), dtype=np.float32)
    total = np.zeros(len(layout.words), dtype=np.float64)
    averaged: dict[str, int] = {}
    for table, rows, weight in zip(tables, layout.rows, weights, strict=True):
        for start in _chunks(len(table)):
            part, w = rows[start : start + _CHUNK], weight[start : start + _CHUNK]
            block = np.asarray(table.vectors[start : start + _CHUNK], dtype=np.float32)
            merged[part] += block * w[:, None].astype(np.float32)  # rows are unique within one table
        np.add.at(total, rows, weight)
        averaged[table.lang or "?"] = int((layout.owners[rows] > 1).sum())
    merged /= np.maximum(total, 1e-30)[:, None].astype(np.float32)
    return merged.astype(dtype, copy=False), averaged


def _mean(tables: Sequence[EmbeddingTable], layout: MergeLayout, dtype: np.dtype) -> Result:
    weights = [np.ones(len(t), dtype=np.float64) for t in tables]
    merged, averaged = _weighted_sum(tables, layout, dtype, weights)
    return layout.words, merged, {"averaged": averaged, "lost": dict.fromkeys(averaged, 0)}, {}


def frequency_weights(table: EmbeddingTable) -> tuple[np.ndarray, str]:
    """Relative corpus frequency per word, and its source ("counts" or "zipf-rank")."""
    if table.counts is not None and np.sum(table.counts) > 0:
        counts = np.maximum(np.asarray(table.counts, dtype=np.float64), 1.0)
        return counts / counts.sum(), "counts"
    ranks = 1.0 / np.arange(1, len(table) + 1, dtype=np.float64)
    return ranks / ranks.sum(), "zipf-rank"


def _weighted(tables: Sequence[EmbeddingTable], layout: MergeLayout, dtype: np.dtype) -> Result:
    pairs = [frequency_weights(t) for t in tables]
    merged, averaged = _weighted_sum(tables, layout, dtype, [w for w, _ in pairs])
    params = {
        "weights": "relative corpus frequency",
        "source": {lang: s for lang, (_, s) in zip(_langs(tables), pairs, strict=True)},
    }
    return layout.words, merged, {"averaged": averaged, "lost": dict.fromkeys(averaged, 0)}, params


def _copy_rows(out: np.ndarray, targets: np.ndarray, table: EmbeddingTable, sources: np.ndarray) -> None:
    """``out[targets] = table.vectors[sources]`` in chunks (no full copy of a memory-mapped input)."""
    for start in _chunks(len(sources)):
        out[targets[start : start + _CHUNK]] = table.vectors[sources[start : start + _CHUNK]]


def _tagged_layout(tables: Sequence[EmbeddingTable], layout: MergeLayout, tag_all: bool, dtype: np.dtype) -> Result:
    """Plain words (held by one table; none when ``tag_all``) in union order, then each table's ``xx:word`` rows."""
    plain = np.zeros(len(layout.words), dtype=bool) if tag_all else layout.owners == 1
    plain_row = np.cumsum(plain) - 1  # merged row of each plain union word
    n_plain = int(plain.sum())
    n_tagged = [int((~plain[rows]).sum()) for rows in layout.rows]
    out = np.zeros((n_plain + sum(n_tagged), tables[0].dim), dtype=dtype)
    words = [layout.words[i] for i in np.flatnonzero(plain)]
    tagged: dict[str, int] = {}
    at = n_plain
    for table, rows, count in zip(tables, layout.rows, n_tagged, strict=True):
        lang = table.lang or "?"
        own = plain[rows]
        mine = np.flatnonzero(own)
        _copy_rows(out, plain_row[rows[mine]], table, mine)
        keyed = np.flatnonzero(~own)
        _copy_rows(out, np.arange(at, at + count), table, keyed)
        words.extend(language_key(lang, table.words[i]) for i in keyed)
        at += count
        tagged[lang] = count
    effects = {"tagged": tagged, "lost": dict.fromkeys(tagged, 0)}
    return words, out, effects, {"tag": "xx:word", "tag_all": tag_all}


def _tagged(tables: Sequence[EmbeddingTable], layout: MergeLayout, dtype: np.dtype) -> Result:
    return _tagged_layout(tables, layout, tag_all=False, dtype=dtype)


def _route(tables: Sequence[EmbeddingTable], layout: MergeLayout, dtype: np.dtype) -> Result:
    return _tagged_layout(tables, layout, tag_all=True, dtype=dtype)


Strategy = Callable[[Sequence[EmbeddingTable], MergeLayout, np.dtype], Result]

#: Versioned strategy name -> implementation. A changed behaviour gets a new version, never an edit.
STRATEGIES: dict[str, Strategy] = {
    "priority@1": _priority,
    "mean@1": _mean,
    "weighted@1": _weighted,
    "tagged@1": _tagged,
    "route@1": _route,
}

#: Strategies whose merged words are ``xx:word`` keys (looked up per language).
TAGGING = {"tagged", "route"}


def strategy_names() -> list[str]:
    return sorted(STRATEGIES)


def resolve_strategy(name: str) -> str:
    """The full versioned name for ``name`` (``mean`` -> latest ``mean@N``)."""
    if name in STRATEGIES:
        return name
    versions = sorted(n for n in STRATEGIES if n.split("@")[0] == name)
    if not versions:
        raise ValueError(f"strategy={name!r} is unknown; choose one of {', '.join(strategy_names())}")
    return versions[-1]


def merge_tables(
    tables: Sequence[EmbeddingTable], strategy: str = "priority", dtype: str | None = None
) -> EmbeddingTable:
    """Merge ``tables`` (in priority order) into one table; its ``meta`` is the merge manifest.

    ``dtype`` (float32/float16) defaults to the first table's dtype.
    """
    if not tables:
        raise ValueError("tables: nothing to merge; pass at least one table")
    langs = _langs(tables)
    if len(set(langs)) != len(langs):
        raise ValueError(f"tables: languages {langs} repeat; give each table once")
    dims = {t.lang: t.dim for t in tables}
    if len(set(dims.values())) != 1:
        raise TableError(f"dimension mismatch {dims}: every table must have the same dim (retrain or project)")
    name = resolve_strategy(strategy)
    out_dtype = np.dtype(dtype) if dtype is not None else np.dtype(tables[0].vectors.dtype)
    layout = MergeLayout.build(tables)
    words, vectors, effects, params = STRATEGIES[name](tables, layout, out_dtype)
    collisions = {lang: int((layout.owners[rows] > 1).sum()) for lang, rows in zip(langs, layout.rows, strict=True)}
    meta = {
        "strategy": name,
        "parameters": params,
        "languages": langs,
        "inputs": [{"lang": t.lang, "words": len(t), "sha256": t.sha256(), **_alignment(t)} for t in tables],
        "counts": {
            "words": len(words),
            "union_words": len(layout.words),
            "colliding_words": int((layout.owners > 1).sum()),
            "collisions_per_language": collisions,
            **effects,
        },
    }
    return EmbeddingTable(words, vectors, None, meta)


def _alignment(table: EmbeddingTable) -> dict[str, Any]:
    aligned = table.meta.get("alignment")
    return {"aligned_to": aligned.get("pivot")} if isinstance(aligned, dict) else {}


def lookup_rows(table: EmbeddingTable, lang: str | None, tokens: Sequence[str]) -> list[int | None]:
    """Rows of ``tokens`` (language ``lang``) in a merged or single-language ``table``; None when missing.

    For ``tagged``/``route`` tables the language key ``xx:word`` is tried first, then the plain word.
    """
    strategy = str(table.meta.get("strategy", "")).split("@")[0]
    if strategy in TAGGING and lang is not None:
        rows: list[int | None] = []
        for token in tokens:
            row = table.get(language_key(lang, token))
            rows.append(row if row is not None or strategy == "route" else table.get(token))
        return rows
    return [table.get(token) for token in tokens]
