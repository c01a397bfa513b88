"""Run several merge strategies (with and without alignment) on the same tables; one comparison.

For each alignment (``none``, ``identical``, ``parallel``, ``dictionary``: Procrustes rotations into the
pivot's space, see ``align``; ``teacher``: every table mapped linearly into the teacher's space, see
``teacher_map``) P3 of the unmerged, per-language tables is recorded (the alignment alone). Then every
strategy merges the (aligned) tables, pivot first, and is measured: merged words, colliding words, mean
k-NN overlap (information loss), mean OOV rate on the Tatoeba sentences, P3 accuracy per language, and,
given a ``downstream`` scorer, P1 MRR@10 of a short training over the merged table (``null`` without).

``parallel`` seeds come from the support KB: each train-split article's ``title`` paired with its
``title_en`` (test ids are left out; Tatoeba is never used for fitting, it is the test).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.data.parallel import kb_parallel
from answerbot.embeddings.add_language import add_language
from answerbot.embeddings.align import align_table, dictionary_seeds, identical_seeds, parallel_seeds
from answerbot.embeddings.merge import merge_tables, resolve_strategy
from answerbot.embeddings.report import collision_stats, merge_report
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.embeddings.teacher_map import map_to_teacher
from answerbot.evaluation.p3 import load_tatoeba, p3_language
from answerbot.teacher.base import Teacher
from answerbot.teacher.targets import parallel_targets

__all__ = ["ALIGNMENTS", "ExperimentConfig", "align_all", "experiment_markdown", "run_experiment", "support_kb_titles"]

ALIGNMENTS = ("none", "identical", "parallel", "dictionary", "teacher")


@dataclass
class ExperimentConfig:
    """What to compare and where the data is."""

    data_dir: Path
    pivot: str = "en"
    strategies: list[str] = field(default_factory=lambda: ["priority", "mean", "weighted", "tagged", "route"])
    alignments: list[str] = field(default_factory=lambda: ["none", "identical", "parallel"])
    refine: int = 1
    dictionary_dir: Path | None = None  # <dir>/<lang>-<pivot>.txt for the "dictionary" alignment
    k: int = 10
    queries: int = 500
    candidates: int = 10_000
    add_language: str | None = None  # also merge without this language, then add it back with add-language
    teacher: Teacher | None = None  # for the "teacher" alignment: a linear map of each table into its space


def support_kb_titles(data_dir: Path, lang: str) -> list[tuple[str, str]]:
    """(title, title_en) of the train-split support-KB articles of ``lang``."""
    from answerbot.data.support_kb import read_split, read_support_kb

    split = read_split(data_dir)
    return [(a.title, a.title_en) for a in read_support_kb(data_dir, lang) if split.get(a.id) == "train" and a.title_en]


def _seeds(kind: str, table: EmbeddingTable, pivot: EmbeddingTable, config: ExperimentConfig) -> list[tuple[str, str]]:
    lang = table.lang or "?"
    if kind == "identical":
        return identical_seeds(table, pivot)
    if kind == "parallel":
        return parallel_seeds(support_kb_titles(config.data_dir, lang), table, pivot)
    if kind == "dictionary":
        if config.dictionary_dir is None:
            raise ValueError("alignment 'dictionary' needs dictionary_dir (files <lang>-<pivot>.txt)")
        return dictionary_seeds(config.dictionary_dir / f"{lang}-{pivot.lang}.txt", table, pivot)
    raise ValueError(f"alignment={kind!r} is unknown; choose one of {', '.join(ALIGNMENTS)}")


def align_all(
    tables: Sequence[EmbeddingTable], kind: str, config: ExperimentConfig, say: Callable[[str], None]
) -> tuple[list[EmbeddingTable], dict[str, Any]]:
    """Every table rotated into the pivot's space (the pivot itself unchanged) and each fit's summary."""
    pivot = _pivot(tables, config.pivot)
    if kind == "none":
        return list(tables), {}
    if kind == "teacher":
        return _teacher_maps(tables, config, say)
    out, fits = [], {}
    for table in tables:
        if table is pivot:
            out.append(table)
            continue
        seeds = _seeds(kind, table, pivot, config)
        aligned, alignment = align_table(table, pivot, seeds, kind, refine=config.refine)
        fits[table.lang] = {"seeds": alignment.seeds, "history": alignment.history}
        say(f"align {kind}: {table.lang} on {alignment.seeds} seed pairs")
        out.append(aligned)
    return out, fits


def _teacher_maps(
    tables: Sequence[EmbeddingTable], config: ExperimentConfig, say: Callable[[str], None]
) -> tuple[list[EmbeddingTable], dict[str, Any]]:
    """Every table (the pivot too) mapped into the teacher's space; uncovered languages on KB parallel text."""
    teacher = config.teacher
    if teacher is None:
        raise ValueError("alignment 'teacher' needs a teacher (ExperimentConfig.teacher)")
    out, fits = [], {}
    for table in tables:
        parallel = None
        if table.lang not in teacher.languages:
            texts = kb_parallel(config.data_dir, table.lang or "", teacher.languages | {"en"})
            parallel = parallel_targets(teacher, texts, f"support-kb:{table.lang}")
        mapped, mapping = map_to_teacher(table, teacher, parallel)
        fits[table.lang] = mapping.summary()
        say(f"align teacher: {table.lang} on {mapping.examples} {mapping.fitted_on}")
        out.append(mapped)
    return out, fits


def _pivot(tables: Sequence[EmbeddingTable], pivot: str) -> EmbeddingTable:
    for table in tables:
        if table.lang == pivot:
            return table
    raise TableError(f"pivot={pivot!r}: no table of that language among {[t.lang for t in tables]}")


def _p3(table: EmbeddingTable | dict[str, EmbeddingTable], langs: Sequence[str], tatoeba: Path) -> dict[str, float]:
    return {lang: p3_language(table, lang, tatoeba) for lang in langs}


def run_experiment(
    tables: Sequence[EmbeddingTable],
    config: ExperimentConfig,
    progress: Callable[[str], None] | None = None,
    downstream: Callable[[EmbeddingTable, str], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The comparison as a JSON-able dict (``rows``: one per alignment x strategy).

    ``downstream(merged, run name)`` fills each row's P1 column (a short training over the merged table;
    ``answerbot.recipe.downstream``); without it the column stays empty.
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    pivot = _pivot(tables, config.pivot)
    ordered = [pivot, *[t for t in tables if t is not pivot]]  # pivot wins priority
    tatoeba = config.data_dir / "tatoeba"
    langs = [t.lang for t in ordered if t is not pivot and t.lang]
    texts = {lang: load_tatoeba(tatoeba, lang)[0] for lang in langs}
    texts[config.pivot] = load_tatoeba(tatoeba, langs[0])[1]
    rows: list[dict[str, Any]] = []
    alignment_p3: dict[str, dict[str, float]] = {}
    fits_by_kind: dict[str, Any] = {}
    added: list[dict[str, Any]] = []
    for kind in config.alignments:
        aligned, fits = align_all(ordered, kind, config, say)
        fits_by_kind[kind] = fits
        alignment_p3[kind] = _p3({t.lang or "?": t for t in aligned}, langs, tatoeba)
        say(f"{kind}: unmerged P3 mean {np.mean(list(alignment_p3[kind].values())):.3f}")
        pairs = collision_stats(aligned)
        weighted_cos = sum(p.get("cosine_mean", 0.0) * p["collisions"] for p in pairs)
        collision_cosine = weighted_cos / max(1, sum(p["collisions"] for p in pairs))
        for strategy in config.strategies:
            name = resolve_strategy(strategy)
            merged = merge_tables(aligned, name)
            report = merge_report(aligned, merged, texts, config.k, config.queries, config.candidates, pairs)
            p3 = _p3(merged, langs, tatoeba)
            oov = [v["oov_rate"] for lang, v in report["languages"].items() if lang in langs and "oov_rate" in v]
            rows.append(
                {
                    "alignment": kind,
                    "strategy": name,
                    "merged_words": len(merged),
                    "colliding_words": merged.meta["counts"]["colliding_words"],
                    "collision_cosine": collision_cosine,
                    "knn_overlap": report["knn"]["mean_overlap"],
                    "oov_rate": float(np.mean(oov)),
                    "p3_mean": float(np.mean(list(p3.values()))),
                    "p3": p3,
                    "p1": downstream(merged, f"{kind}-{name}") if downstream is not None else None,
                    "knn_per_language": {lang: v.get("knn_overlap") for lang, v in report["languages"].items()},
                }
            )
            say(f"{kind} {name}: P3 {rows[-1]['p3_mean']:.3f} k-NN {rows[-1]['knn_overlap']:.3f}")
            if config.add_language and config.add_language in langs:
                added.append(_added(aligned, config.add_language, name, kind, tatoeba, p3))
    return {
        "config": {
            **{f.name: getattr(config, f.name) for f in fields(config) if f.name != "teacher"},
            "data_dir": str(config.data_dir),
            "dictionary_dir": str(config.dictionary_dir),
            "teacher": config.teacher.name if config.teacher else None,
        },
        "inputs": [
            {"lang": t.lang, "words": len(t), "sha256": t.sha256(), "source": t.meta.get("source")} for t in ordered
        ],
        "collision_pairs": collision_stats(ordered),
        "alignment_p3": alignment_p3,
        "alignment_fits": fits_by_kind,
        "rows": rows,
        "add_language": added,
        "p1_note": None if downstream else "P1 not measured (run with --downstream LANGS)",
        "wall_s": round(time.perf_counter() - started, 1),
    }


def _added(
    aligned: Sequence[EmbeddingTable], lang: str, strategy: str, kind: str, tatoeba: Path, full_p3: dict[str, float]
) -> dict[str, Any]:
    """Merge without ``lang``, add it back with :func:`add_language`, compare its P3 with the full merge."""
    core = [t for t in aligned if t.lang != lang]
    grown = add_language(merge_tables(core, strategy), next(t for t in aligned if t.lang == lang))
    return {
        "alignment": kind,
        "strategy": strategy,
        "lang": lang,
        "p3_added": p3_language(grown, lang, tatoeba),
        "p3_full_merge": full_p3[lang],
        "appended": grown.meta["added"][0]["appended"],
    }


def experiment_markdown(result: dict[str, Any]) -> str:
    """The comparison table, per-language P3 of each alignment before merging, and add-language rows."""
    lines = [
        "| alignment | strategy | merged words | colliding words | colliding cosine | k-NN overlap | OOV (Tatoeba) "
        "| P3 mean | P1 MRR@10 same-language | P1 MRR@10 English titles |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['alignment']} | {r['strategy']} | {r['merged_words']} | {r['colliding_words']} | "
            f"{r['collision_cosine']:.3f} | "
            f"{r['knn_overlap']:.3f} | {r['oov_rate']:.3f} | {r['p3_mean']:.3f} | "
            + (f"{r['p1']['same_language']:.3f} | {r['p1']['english_titles']:.3f} |" if r["p1"] else "n/a | n/a |")
        )
    langs = list(next(iter(result["alignment_p3"].values())))
    lines += ["", "P3 per language, unmerged tables (the alignment alone):", ""]
    lines += ["| alignment | " + " | ".join(langs) + " | mean |", "|---|" + "---:|" * (len(langs) + 1)]
    for kind, p3 in result["alignment_p3"].items():
        values = " | ".join(f"{p3[lang]:.3f}" for lang in langs)
        lines.append(f"| {kind} | {values} | {np.mean(list(p3.values())):.3f} |")
    if result["add_language"]:
        lines += [
            "",
            "| add-language | alignment | strategy | P3 added later | P3 in full merge |",
            "|---|---|---|---:|---:|",
        ]
        for a in result["add_language"]:
            lines.append(
                f"| {a['lang']} | {a['alignment']} | {a['strategy']} | {a['p3_added']:.3f} | {a['p3_full_merge']:.3f} |"
            )
    return "\n".join(lines) + "\n"
