"""Align a language's table to a pivot language's space by orthogonal Procrustes.

A rotation ``W`` (``W @ W.T = I``) is fitted on seed pairs (source word, pivot word) so that
``src_vectors @ W`` lands near the pivot vectors; an orthogonal map keeps the table's own geometry
(distances, neighbourhoods) intact. Seeds come from:

- ``identical``: words spelled the same in both tables (names, numbers, loanwords);
- ``dictionary``: a bilingual dictionary file, two columns ``src tgt`` (tab or space separated);
- ``parallel``: aligned sentence pairs (support-KB titles sharing an article id, Tatoeba). We build a
  seed dictionary from co-occurring words: a pair scores its Dice coefficient over sentence pairs
  and is kept when each word is the other's best partner (mutual best, at least ``min_count``
  co-occurrences). Word seeds, rather than a fit on sentence means, keep the fit to a rotation of
  words and ignore sentence-length and stop-word effects.

``refine`` rounds re-fit on mutual nearest neighbours under CSLS among the most frequent words
(plus the original seeds), the MUSE refinement. Fitting uses unit-length rows; the rotation is then
applied to the raw vectors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.text import tokenize

__all__ = [
    "Alignment",
    "align_table",
    "dictionary_seeds",
    "identical_seeds",
    "mutual_nn_pairs",
    "parallel_seeds",
    "procrustes",
    "read_dictionary",
]

Seeds = list[tuple[str, str]]


@dataclass
class Alignment:
    """The fitted rotation and what it was fitted on."""

    rotation: np.ndarray
    seeds: int
    seed_kind: str
    refine_rounds: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"seeds": self.seeds, "seed_kind": self.seed_kind, "refine": self.refine_rounds, "history": self.history}


def procrustes(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The orthogonal ``W`` minimising ``||source @ W - target||_F`` (SVD of ``source.T @ target``)."""
    if source.shape != target.shape or source.ndim != 2:
        raise ValueError(f"procrustes: source {source.shape} and target {target.shape} must be equal 2-D shapes")
    u, _, vt = np.linalg.svd(source.astype(np.float64).T @ target.astype(np.float64))
    return (u @ vt).astype(np.float32)


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


# -- seeds -------------------------------------------------------------------------------------------
def identical_seeds(source: EmbeddingTable, pivot: EmbeddingTable, max_pairs: int | None = None) -> Seeds:
    """Words both tables hold, in the source table's frequency order."""
    pairs = [(w, w) for w in source.words if w in pivot]
    return pairs[:max_pairs] if max_pairs is not None else pairs


def read_dictionary(path: Path | str) -> Seeds:
    """Read ``src tgt`` lines (tab or space separated; blank lines and ``#`` comments skipped)."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: no such dictionary file; pass a file of 'src tgt' lines")
    pairs: Seeds = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            parts = text.split()
            if len(parts) != 2:
                raise TableError(f"{path}:{line_no}: expected two columns 'src tgt', got {len(parts)}: {text[:60]!r}")
            src, tgt = (tokenize(p) for p in parts)
            if len(src) != 1 or len(tgt) != 1:
                raise TableError(f"{path}:{line_no}: {text[:60]!r} is not one token per side after tokenizing")
            pairs.append((src[0], tgt[0]))
    if not pairs:
        raise TableError(f"{path}: no dictionary pairs found")
    return pairs


def dictionary_seeds(path: Path | str, source: EmbeddingTable, pivot: EmbeddingTable) -> Seeds:
    """Pairs of a dictionary file whose two words are in the tables."""
    return [(s, t) for s, t in read_dictionary(path) if s in source and t in pivot]


def parallel_seeds(
    pairs: Iterable[tuple[str, str]],
    source: EmbeddingTable,
    pivot: EmbeddingTable,
    min_count: int = 3,
    min_dice: float = 0.2,
) -> Seeds:
    """Seed pairs from parallel sentences: mutual-best Dice co-occurrence (see the module docstring)."""
    src_freq: Counter[str] = Counter()
    tgt_freq: Counter[str] = Counter()
    both: Counter[tuple[str, str]] = Counter()
    for src_text, tgt_text in pairs:
        src_words = {w for w in tokenize(src_text) if w in source}
        tgt_words = {w for w in tokenize(tgt_text) if w in pivot}
        src_freq.update(src_words)
        tgt_freq.update(tgt_words)
        both.update((s, t) for s in src_words for t in tgt_words)
    best_src: dict[str, tuple[float, str]] = {}
    best_tgt: dict[str, tuple[float, str]] = {}
    for (s, t), n in both.items():
        if n < min_count:
            continue
        dice = 2.0 * n / (src_freq[s] + tgt_freq[t])
        if dice > best_src.get(s, (0.0, ""))[0]:
            best_src[s] = (dice, t)
        if dice > best_tgt.get(t, (0.0, ""))[0]:
            best_tgt[t] = (dice, s)
    seeds = [(s, t) for s, (d, t) in best_src.items() if d >= min_dice and best_tgt[t][1] == s]
    return sorted(seeds, key=lambda p: source.index(p[0]))


# -- refinement ---------------------------------------------------------------------------------------
def mutual_nn_pairs(source: np.ndarray, target: np.ndarray, k: int = 10, chunk: int = 2048) -> list[tuple[int, int]]:
    """Index pairs that are mutual nearest neighbours under CSLS (unit rows expected)."""

    def mean_topk(queries: np.ndarray, keys: np.ndarray) -> np.ndarray:
        out = np.empty(len(queries), dtype=np.float32)
        kk = min(k, len(keys))
        for start in range(0, len(queries), chunk):
            sims = queries[start : start + chunk] @ keys.T
            out[start : start + chunk] = np.partition(sims, -kk, axis=1)[:, -kk:].mean(axis=1)
        return out

    r_src = mean_topk(source, target)  # how crowded each source word's neighbourhood in target is
    r_tgt = mean_topk(target, source)

    def best(queries: np.ndarray, keys: np.ndarray, r_q: np.ndarray, r_k: np.ndarray) -> np.ndarray:
        out = np.empty(len(queries), dtype=np.int64)
        for start in range(0, len(queries), chunk):
            csls = 2 * (queries[start : start + chunk] @ keys.T) - r_q[start : start + chunk, None] - r_k[None, :]
            out[start : start + chunk] = csls.argmax(axis=1)
        return out

    fwd = best(source, target, r_src, r_tgt)
    back = best(target, source, r_tgt, r_src)
    return [(i, int(j)) for i, j in enumerate(fwd) if back[j] == i]


# -- fit ------------------------------------------------------------------------------------------------
def align_table(
    source: EmbeddingTable,
    pivot: EmbeddingTable,
    seeds: Sequence[tuple[str, str]],
    seed_kind: str = "custom",
    refine: int = 0,
    refine_words: int = 5000,
) -> tuple[EmbeddingTable, Alignment]:
    """Rotate ``source`` into ``pivot``'s space; return the aligned table and the fitted alignment."""
    if source.dim != pivot.dim:
        raise TableError(
            f"dimension mismatch: {source.lang} has dim {source.dim}, pivot {pivot.lang} has {pivot.dim}; "
            "align tables of the same dim"
        )
    pairs = [(s, t) for s, t in seeds if s in source and t in pivot]
    if len(pairs) < 2:
        raise TableError(
            f"{source.lang}->{pivot.lang}: only {len(pairs)} usable seed pairs ({seed_kind}); "
            "give a dictionary or parallel text, or use identical-string seeds"
        )
    src_unit, piv_unit = _unit(source.vectors), _unit(pivot.vectors)
    src_idx = np.array([source.index(s) for s, _ in pairs])
    piv_idx = np.array([pivot.index(t) for _, t in pairs])
    rotation = procrustes(src_unit[src_idx], piv_unit[piv_idx])
    alignment = Alignment(rotation, len(pairs), seed_kind, refine, [{"round": 0, "pairs": len(pairs)}])
    n_src, n_piv = min(refine_words, len(source)), min(refine_words, len(pivot))
    for round_no in range(1, refine + 1):
        mnn = mutual_nn_pairs(src_unit[:n_src] @ rotation, piv_unit[:n_piv])
        fit_src = np.concatenate([src_idx, np.array([i for i, _ in mnn], dtype=np.int64)])
        fit_piv = np.concatenate([piv_idx, np.array([j for _, j in mnn], dtype=np.int64)])
        rotation = procrustes(src_unit[fit_src], piv_unit[fit_piv])
        alignment.history.append({"round": round_no, "pairs": len(fit_src), "mutual_nn": len(mnn)})
    alignment.rotation = rotation
    vectors = (np.asarray(source.vectors, dtype=np.float32) @ rotation).astype(source.vectors.dtype)
    meta = {**source.meta, "alignment": {"pivot": pivot.lang, "pivot_sha256": pivot.sha256(), **alignment.summary()}}
    return EmbeddingTable(list(source.words), vectors, source.lang, meta, source.counts), alignment
