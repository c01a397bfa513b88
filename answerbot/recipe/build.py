"""Run a recipe end to end: tables -> merge -> distil -> fine-tune -> export, skipping finished steps.

Each step writes its artifact under ``work_dir`` (``tables/<lang>``, ``merged``, ``distilled``, ``run``)
and is skipped on a rerun when the artifact exists and was made with the same settings, so a build that
was stopped resumes where it stopped. Teacher vectors come from the on-disk cache (``cache_dir``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from answerbot.data.kb_pairs import kb_pairs
from answerbot.data.records import Pair
from answerbot.data.training_set import split_validation
from answerbot.embeddings.merge import merge_tables
from answerbot.embeddings.sentence_fit import FitConfig
from answerbot.embeddings.table import EmbeddingTable
from answerbot.embeddings.teacher_table import TeacherTableConfig, fit_table, teacher_table
from answerbot.model.distill import distill
from answerbot.model.training import TrainedModel, train_dual_encoder
from answerbot.recipe.config import Recipe
from answerbot.recipe.data import corpus_path, kb_targets, table_targets, task_texts
from answerbot.teacher.base import Teacher
from answerbot.teacher.targets import DistillSet, own_targets

__all__ = ["BuildResult", "build_recipe", "build_tables"]

BUILD_FILE = "build.json"


@dataclass
class BuildResult:
    work_dir: Path
    model: TrainedModel
    merged: EmbeddingTable
    seconds: dict[str, float] = field(default_factory=dict)
    export_dir: Path | None = None


def _same(folder: Path, signature: dict[str, Any]) -> bool:
    manifest = folder / "manifest.json"
    return manifest.is_file() and json.loads(manifest.read_text(encoding="utf-8")).get("recipe") == signature


def build_tables(
    recipe: Recipe, data_dir: Path, work_dir: Path, teacher: Teacher, say: Callable[[str], None]
) -> tuple[list[EmbeddingTable], list[DistillSet]]:
    """Each language's fitted teacher table (built or reused) and its fit sentences with targets."""
    tables, targets = [], []
    signature = {"teacher": teacher.name, **asdict(recipe.tables)}
    for lang in recipe.languages:
        folder = work_dir / "tables" / lang
        fit_on = table_targets(recipe, data_dir, lang, teacher)
        targets.append(fit_on)
        if _same(folder, signature):
            say(f"{lang}: table exists in {folder}")
            tables.append(EmbeddingTable.load(folder))
            continue
        config = TeacherTableConfig(recipe.tables.max_words, recipe.tables.min_count, recipe.tables.max_lines)
        table = teacher_table(
            corpus_path(data_dir, lang), lang, teacher, config, say, task_texts(recipe, data_dir, lang)
        )
        if recipe.tables.fit_epochs:
            table = fit_table(table, fit_on, FitConfig(epochs=recipe.tables.fit_epochs, l2=recipe.tables.fit_l2), say)
        table.meta["recipe"] = signature
        table.save(folder)
        tables.append(table)
    return tables, targets


def _epoch_logger(say: Callable[[str], None], stage: str) -> Callable[[dict[str, Any]], None]:
    def log(event: dict[str, Any]) -> None:
        if event["event"] == "epoch":
            scores = ", ".join(f"{k} {v:.4f}" for k, v in event.items() if k.startswith("val"))
            say(
                f"{stage} epoch {event['epoch']}: loss {event['loss']:.4f}{', ' + scores if scores else ''} "
                f"({event['seconds']:.0f} s)"
            )

    return log


def build_recipe(
    recipe: Recipe,
    data_dir: Path,
    work_dir: Path,
    teacher: Teacher,
    say: Callable[[str], None] = print,
    export_to: Path | None = None,
    extra_pairs: Sequence[Pair] = (),
    extra_texts: Sequence[str] = (),
    export_extra: dict[str, Any] | None = None,
) -> BuildResult:
    """Build ``recipe`` under ``work_dir`` (resuming finished steps); export to ``export_to`` when given.

    ``extra_texts`` (in languages the teacher covers) join the distillation texts with the teacher's own
    vectors; ``extra_pairs`` join the fine-tuning pairs (e.g. an account's own tickets and articles).
    """
    started = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        seconds[name] = round(now - since, 1)
        return now

    tables, fit_sets = build_tables(recipe, data_dir, work_dir, teacher, say)
    mark = lap("tables", started)
    merged = merge_tables(tables, recipe.strategy)
    merged.save(work_dir / "merged")
    say(f"merged {len(tables)} tables ({merged.meta['strategy']}): {len(merged)} words")
    mark = lap("merge", mark)

    parts = list(fit_sets)
    if recipe.distill.kb:
        kb_sets = (kb_targets(data_dir, lang, teacher, recipe.distill.kb_per_language) for lang in recipe.languages)
        parts += [s for s in kb_sets if s is not None]
    if extra_texts:
        parts.append(own_targets(teacher, extra_texts, "extra texts"))
    data, validation = DistillSet.concat(parts).split(recipe.distill.validation_share, seed=recipe.distill.train.seed)
    mark = lap("teacher targets", mark)
    distilled_dir = work_dir / "distilled"
    made_with = {k: v for k, v in recipe.to_dict().items() if k in {"languages", "strategy", "tables", "distill"}}
    made_with["texts"] = len(data)
    if (distilled_dir / "train.json").is_file() and json.loads((distilled_dir / "train.json").read_text()).get(
        "made_with"
    ) == made_with:
        say(f"distilled core exists in {distilled_dir}")
        model = TrainedModel.load(distilled_dir)
    else:
        say(f"distilling on {len(data)} texts ({len(validation)} held out)")
        model = distill(data, merged, distilled_dir, recipe.distill.train, validation, _epoch_logger(say, "distil"))
        model.record["made_with"] = made_with
        model.save(distilled_dir)
    mark = lap("distill", mark)

    ft = recipe.finetune
    pairs = list(extra_pairs)
    if ft.support_kb:
        pairs += kb_pairs(data_dir, ft.support_kb, ft.english_titles, ft.cross_language, ft.per_language, ft.train.seed)
    if pairs:
        train_pairs, val_pairs = split_validation(pairs, ft.validation_share, ft.train.seed)
        say(f"fine-tuning on {len(train_pairs)} pairs ({len(val_pairs)} held out)")
        model = train_dual_encoder(
            train_pairs, model, work_dir / "run", ft.train, val_pairs, _epoch_logger(say, "fine-tune"), anchor=data
        )
    model.record["recipe"] = recipe.to_dict()
    model.save(work_dir / "run")
    mark = lap("fine-tune", mark)
    result = BuildResult(work_dir, model, merged, seconds)
    if export_to is not None:
        from answerbot.model.export import export_model

        result.export_dir = export_model(model, export_to, extra={"recipe": recipe.name, **(export_extra or {})})
        say(f"exported {result.export_dir}")
        lap("export", mark)
    seconds["total"] = round(time.perf_counter() - started, 1)
    (work_dir / BUILD_FILE).write_text(
        json.dumps({"recipe": recipe.to_dict(), "seconds": seconds, "export": str(result.export_dir)}, indent=2) + "\n"
    )
    return result
