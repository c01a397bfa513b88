"""The merge experiment's downstream column: P1 MRR@10 of a short distilled training over a merged table.

For one merged table (any strategy and alignment), a small core is distilled from the teacher on a fixed
sample of each language's corpus and support-KB train texts, fine-tuned on support-KB train pairs (title
-> body and English title -> body), and scored on P1 (test ids): same-language titles and English titles.
``tagged`` and ``route`` tables store words per language, so their model reads the language code as an
input (``lang_aware``: texts go in as ``"<lang>\\t<text>"``); the others read plain text. Same budget for
every table, so the column compares merges, not trainings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.data.parallel import kb_parallel
from answerbot.data.records import Pair
from answerbot.data.support_kb import KbArticle, read_split, read_support_kb
from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.p1 import p1_metrics
from answerbot.model.distill import distill
from answerbot.model.training import TrainConfig, train_dual_encoder
from answerbot.recipe.data import corpus_path
from answerbot.teacher.base import Teacher
from answerbot.teacher.targets import DistillSet, corpus_sample, own_targets, parallel_targets

__all__ = ["LANG_AWARE_STRATEGIES", "DownstreamBudget", "downstream_p1"]

LANG_AWARE_STRATEGIES = ("tagged@1", "route@1")


@dataclass(frozen=True)
class DownstreamBudget:
    sentences: int = 3000
    kb_articles: int = 700
    distill_epochs: int = 1
    finetune_epochs: int = 1
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(
            hidden=64, output_dim=512, bidirectional=True, input_dim=64, bag=True, max_tokens=96, batch_size=128
        )
    )


def _tag(lang: str, text: str, lang_aware: bool) -> str:
    return f"{lang}\t{text}" if lang_aware else text


def _kb(data_dir: Path, lang: str, split: str) -> list[KbArticle]:
    ids = read_split(data_dir)
    return [a for a in read_support_kb(data_dir, lang) if ids.get(a.id) == split and a.body]


def _distill_set(
    languages: Sequence[str], data_dir: Path, teacher: Teacher, budget: DownstreamBudget, lang_aware: bool
) -> DistillSet:
    parts = []
    for lang in languages:
        if lang in teacher.languages:
            texts = corpus_sample(corpus_path(data_dir, lang), budget.sentences)
            if lang != "en":
                kb = _kb(data_dir, lang, "train")[: budget.kb_articles]
                texts += [a.title for a in kb] + [a.body for a in kb]
            part = own_targets(teacher, texts, lang)
        else:
            part = parallel_targets(teacher, kb_parallel(data_dir, lang, teacher.languages | {"en"}), lang)
        parts.append(DistillSet([_tag(lang, t, lang_aware) for t in part.texts], part.targets, part.sources))
    return DistillSet.concat(parts)


def downstream_p1(
    table: EmbeddingTable,
    languages: Sequence[str],
    data_dir: Path,
    teacher: Teacher,
    work_dir: Path,
    budget: DownstreamBudget | None = None,
) -> dict[str, Any]:
    """P1 MRR@10 (same-language and English titles, per language and mean) of a short training over ``table``.

    ``languages`` are the KB languages scored; English joins the distillation as the pivot.
    """
    budget = budget or DownstreamBudget()
    lang_aware = table.meta.get("strategy") in LANG_AWARE_STRATEGIES
    config = replace(budget.train, lang_aware=lang_aware, epochs=budget.distill_epochs)
    data = _distill_set(["en", *languages], data_dir, teacher, budget, lang_aware)
    model = distill(data, table, work_dir, config)
    pairs = []
    for lang in languages:
        for a in _kb(data_dir, lang, "train")[: budget.kb_articles]:
            key, body = f"{lang}/{a.id}", _tag(lang, a.body, lang_aware)
            pairs.append(Pair(_tag(lang, a.title, lang_aware), body, key, lang))
            if a.title_en:
                pairs.append(Pair(_tag("en", a.title_en, lang_aware), body, key, lang))
    tune = replace(config, epochs=budget.finetune_epochs, distill_weight=1.0, learning_rate=1e-3)
    model = train_dual_encoder(pairs, model, work_dir, tune, anchor=data)
    result: dict[str, Any] = {"lang_aware": lang_aware, "languages": {}}
    for lang in languages:
        test = _kb(data_dir, lang, "test")
        docs = model.encode([_tag(lang, a.body, lang_aware) for a in test])
        scores = {}
        for name, field_name, query_lang in (("same_language", "title", lang), ("english_titles", "title_en", "en")):
            asked = [i for i, a in enumerate(test) if getattr(a, field_name).strip()]
            queries = model.encode([_tag(query_lang, getattr(test[i], field_name), lang_aware) for i in asked])
            scores[name] = p1_metrics(np.round(queries @ docs.T, 6), asked)["mrr@10"]
        result["languages"][lang] = scores
    for name in ("same_language", "english_titles"):
        result[name] = float(np.mean([v[name] for v in result["languages"].values()]))
    return result
