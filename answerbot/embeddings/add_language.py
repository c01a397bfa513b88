"""Append a new language's (aligned) table to an existing merged table, without moving any row.

An exported model's vocabulary is the merged table's word list; keeping every existing row where
it is means the trained core still sees the same ids, so a re-export with the longer table serves
the new language without retraining. Per strategy of the merged table:

- ``priority``/``mean``/``weighted``: words the table lacks are appended; a colliding word keeps the
  vector the core was trained with (counted as lost for the new language);
- ``tagged``: new words are appended plain; a colliding word is appended as ``xx:word`` (the plain
  entry stays for the core languages);
- ``route``: every word is appended as ``xx:word``.
"""

from __future__ import annotations

import copy

import numpy as np

from answerbot.embeddings.merge import language_key
from answerbot.embeddings.table import EmbeddingTable, TableError

__all__ = ["add_language"]


def add_language(merged: EmbeddingTable, table: EmbeddingTable) -> EmbeddingTable:
    """``merged`` with ``table``'s language appended; existing rows keep their index and vector."""
    meta = copy.deepcopy(merged.meta)
    if "strategy" not in meta or "languages" not in meta:
        raise TableError("merged table has no merge manifest (strategy, languages); merge the tables first")
    lang = table.lang
    if not lang:
        raise TableError("table has no language code; load it with lang=... before adding it")
    if lang in meta["languages"]:
        raise TableError(f"lang={lang!r} is already in the merged table {meta['languages']}; nothing to add")
    if table.dim != merged.dim:
        raise TableError(f"dimension mismatch: merged dim {merged.dim}, {lang} dim {table.dim}; align same-dim tables")
    strategy = meta["strategy"].split("@")[0]
    new_words: list[str] = []
    source_rows: list[int] = []
    collisions = 0
    for i, word in enumerate(table.words):
        if strategy == "route":
            new_words.append(language_key(lang, word))
            source_rows.append(i)
            continue
        if word in merged or any(language_key(old, word) in merged for old in meta["languages"]):
            collisions += 1
            if strategy == "tagged":
                new_words.append(language_key(lang, word))
                source_rows.append(i)
            continue
        new_words.append(word)
        source_rows.append(i)
    appended = np.asarray(table.vectors[source_rows], dtype=merged.vectors.dtype).reshape(-1, merged.dim)
    vectors = np.concatenate([np.asarray(merged.vectors), appended])
    lost = 0 if strategy in {"tagged", "route"} else collisions
    counts = meta.setdefault("counts", {})
    counts["words"] = len(merged) + len(new_words)
    counts.setdefault("collisions_per_language", {})[lang] = collisions
    counts.setdefault("lost", {})[lang] = lost
    meta["languages"].append(lang)
    entry = {"lang": lang, "words": len(table), "sha256": table.sha256()}
    if isinstance(table.meta.get("alignment"), dict):
        entry["aligned_to"] = table.meta["alignment"].get("pivot")
    meta.setdefault("inputs", []).append(entry)
    meta.setdefault("added", []).append({**entry, "appended": len(new_words), "collisions": collisions, "lost": lost})
    return EmbeddingTable(list(merged.words) + new_words, vectors, None, meta)
