"""P4: the support KB with unanswerable queries ("no answer" is the right answer for half of them).

For each language the queries are the titles of the split's articles (``test`` for the benchmark, ``train``
to fit calibrations). A seeded half of the split's article ids is removed from every language's knowledge
base: a query whose article was removed is unanswerable, and offering anything for it is wrong. The
knowledge base is the kept half's bodies (title lines removed). A method offers its top article when the
top score reaches the threshold; an offer is right when the top article is the query's own (ties at their
expected value). For every threshold (each distinct top score): precision of the offered answers and the
share of queries answered (coverage); the area under precision over coverage (coverage 0..1, so at most
the answerable share, 0.5); and the lowest threshold with precision >= 0.9 and the coverage it keeps.
Reported per language, as the mean over languages, and pooled (one threshold for every language, as the
service uses one).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.calibration import precision_curve
from answerbot.data.jsonl import DataError
from answerbot.data.support_kb import read_split, read_support_kb
from answerbot.evaluation.metrics import hit_at_k
from answerbot.evaluation.report import data_files_sha256
from answerbot.evaluation.scoring import DENSE, HYBRID, LEXICAL, Encode, Pool, Progress

__all__ = [
    "P4_METHODS",
    "TopOutcomes",
    "evaluate_p4",
    "p4_figures",
    "p4_outcomes",
    "removed_ids",
    "top_outcomes",
]

P4_METHODS = (DENSE, LEXICAL, HYBRID)
TARGET = 0.9
CURVE_POINTS = 21


@dataclass(frozen=True)
class TopOutcomes:
    """Per query: the top score and whether the top article is right (expected value over tie orders)."""

    scores: np.ndarray
    correct: np.ndarray
    answerable: np.ndarray

    def __add__(self, other: TopOutcomes) -> TopOutcomes:
        return TopOutcomes(*(np.concatenate([a, b]) for a, b in zip(self.parts(), other.parts(), strict=True)))

    def parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.scores, self.correct, self.answerable


def removed_ids(ids: Sequence[str], seed: int) -> set[str]:
    """A seeded half of ``ids`` (sorted first, so the same ids give the same half in every language)."""
    ordered = sorted(set(ids))
    rng = np.random.default_rng(seed)
    return {ordered[i] for i in rng.permutation(len(ordered))[: len(ordered) // 2]}


def top_outcomes(matrix: np.ndarray, golds: Sequence[int]) -> TopOutcomes:
    """Top score and rightness of each row of a [queries, documents] matrix; gold -1 = unanswerable."""
    scores = matrix.max(axis=1).astype(np.float64) if matrix.size else np.zeros(len(golds))
    correct = np.array([hit_at_k(row, g, 1) if g >= 0 else 0.0 for row, g in zip(matrix, golds, strict=True)])
    return TopOutcomes(scores, correct, np.asarray(golds) >= 0)


def p4_figures(outcomes: TopOutcomes, target: float = TARGET) -> dict[str, Any]:
    """Area under precision over coverage, the threshold for ``target`` precision and its coverage, and the
    curve at coverage 0, 0.05, ..., 1 (the precision at the lowest threshold covering at most that share)."""
    thresholds, precision, coverage = precision_curve(outcomes.scores, outcomes.correct)
    area = float(np.sum(precision * np.diff(np.r_[0.0, coverage])))
    reached = np.flatnonzero(precision >= target)
    at = int(reached[-1]) if reached.size else None
    curve = []
    for share in np.linspace(0.0, 1.0, CURVE_POINTS)[1:]:
        i = int(np.searchsorted(coverage, share + 1e-12, side="right")) - 1
        if i >= 0:
            curve.append(
                {
                    "coverage": round(float(coverage[i]), 4),
                    "precision": round(float(precision[i]), 4),
                    "threshold": round(float(thresholds[i]), 6),
                }
            )
    return {
        "area": area,
        f"threshold@{target:.0%}": None if at is None else float(thresholds[at]),
        f"coverage@{target:.0%}": 0.0 if at is None else float(coverage[at]),
        "reached": at is not None,
        "answerable_share": float(np.mean(outcomes.answerable)) if outcomes.answerable.size else 0.0,
        "top1_answerable": float(outcomes.correct[outcomes.answerable].mean()) if outcomes.answerable.any() else 0.0,
        "curve": curve,
    }


def p4_outcomes(
    data_dir: Path | str,
    encode: Encode | None,
    languages: Sequence[str],
    split: str = "test",
    seed: int = 0,
    hybrid_weight: float = 0.7,
    per_language: int | None = None,
    progress: Progress | None = None,
    match_test_size: bool = False,
) -> dict[str, dict[str, TopOutcomes]]:
    """language -> method -> TopOutcomes of the P4 construction on ``split``'s articles.

    ``match_test_size`` first draws (seeded) as many of the split's articles as the language has test articles,
    so a train-side construction has the test KB's size (a larger KB has more near misses at the same score).
    """
    data_dir = Path(data_dir)
    if split not in ("train", "test"):
        raise ValueError(f"split={split!r}: choose train or test")
    if not languages:
        raise ValueError("languages: empty; name at least one KB language")
    ids = read_split(data_dir)
    removed = removed_ids([i for i, s in ids.items() if s == split], seed)
    out: dict[str, dict[str, TopOutcomes]] = {}
    for n, lang in enumerate(languages):
        every = read_support_kb(data_dir, lang)
        articles = [a for a in every if ids.get(a.id) == split]
        if not articles:
            raise DataError(f"{data_dir / 'support-kb' / f'{lang}.jsonl.gz'}: no article with a {split!r} id")
        size = sum(1 for a in every if ids.get(a.id) == "test")
        if match_test_size and len(articles) > size:
            drawn = np.random.default_rng(seed + 101 + n).permutation(len(articles))[:size]
            articles = [articles[i] for i in sorted(drawn)]
        kept = [a for a in articles if a.id not in removed]
        queries = [a for a in articles if a.title.strip()]
        if per_language is not None and len(queries) > per_language:
            pick = np.random.default_rng(seed + 1 + n).permutation(len(queries))[:per_language]
            queries = [queries[i] for i in sorted(pick)]
        row_of = {a.id: i for i, a in enumerate(kept)}
        golds = [row_of.get(a.id, -1) for a in queries]
        weight = hybrid_weight if encode is not None else None
        pool = Pool([a.body for a in kept], [lang] * len(kept), encode, None, weight, progress, f"{lang} KB")
        vectors = pool.queries([a.title for a in queries], [lang] * len(queries), f"{lang} queries")
        matrices = pool.scores(vectors)
        out[lang] = {m: top_outcomes(matrices[m], golds) for m in P4_METHODS if m in matrices}
    return out


def evaluate_p4(
    data_dir: Path | str,
    encode: Encode | None,
    languages: Sequence[str],
    seed: int = 0,
    hybrid_weight: float = 0.7,
    per_language: int | None = None,
    progress: Progress | None = None,
    outcomes: dict[str, dict[str, TopOutcomes]] | None = None,
) -> dict[str, Any]:
    """Run P4 on the test split (or report ``outcomes`` already computed with the same settings)."""
    started = time.perf_counter()
    if outcomes is None:
        outcomes = p4_outcomes(data_dir, encode, languages, "test", seed, hybrid_weight, per_language, progress)
    methods = [m for m in P4_METHODS if all(m in outcomes[lang] for lang in languages)]
    per_lang: dict[str, Any] = {
        lang: {
            "queries": int(next(iter(outcomes[lang].values())).scores.size),
            "methods": {m: p4_figures(outcomes[lang][m]) for m in methods},
        }
        for lang in languages
    }
    key_t, key_c = f"threshold@{TARGET:.0%}", f"coverage@{TARGET:.0%}"
    mean = {
        m: {
            "area": float(np.mean([per_lang[lang]["methods"][m]["area"] for lang in languages])),
            key_c: float(np.mean([per_lang[lang]["methods"][m][key_c] for lang in languages])),
            "languages_reaching": sum(per_lang[lang]["methods"][m]["reached"] for lang in languages),
        }
        for m in methods
    }
    pooled = {}
    for m in methods:
        total = outcomes[languages[0]][m]
        for lang in languages[1:]:
            total = total + outcomes[lang][m]
        pooled[m] = p4_figures(total)
    files = ["support-kb/split.json", *(f"support-kb/{lang}.jsonl.gz" for lang in languages)]
    return {
        "protocol": "P4",
        "settings": {
            "languages": list(languages),
            "split": "test",
            "queries": "title",
            "removed": "a seeded half of the split's ids (unanswerable queries)",
            "seed": seed,
            "per_language": per_language,
            "hybrid_weight": hybrid_weight,
            "methods": methods,
            "target_precision": TARGET,
            key_t: "lowest threshold whose precision reaches the target (null: not reached)",
        },
        "data_files": data_files_sha256(Path(data_dir), files),
        "languages": per_lang,
        "mean": mean,
        "pooled": pooled,
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
