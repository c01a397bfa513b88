"""Build the demo model with the ``demo`` recipe: teacher tables -> merge -> distil -> fine-tune -> export
-> calibrate.

The demo's own articles and its train-split tickets join the fine-tuning pairs (each ``repeats`` times,
so the small in-domain set is not drowned by the support KB) and the distillation texts; the held-out
tickets are then scored through the trained model. The exported version gets its global calibration of top
scores (P4 construction on support-KB train ids), so the demo API answers with a confidence from the start.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answerbot.data.records import Pair
from answerbot.demo.data import DemoArticle, DemoTicket, load_kb, load_tickets
from answerbot.demo.evaluate import evaluate_tickets
from answerbot.recipe.config import Recipe

__all__ = ["DemoBuild", "build_demo", "demo_pairs"]


@dataclass
class DemoBuild:
    """Where the demo's artifacts go, and how they are made."""

    data_dir: Path
    work_dir: Path = Path("var/builds/demo")
    model_root: Path = Path("serving/models/answerbot")
    cache_dir: Path = Path("embeddings/cache")
    report_path: Path = Path("var/demo_eval.json")
    recipe: str = "demo"
    demo_repeats: int = 3


def demo_pairs(kb: Sequence[DemoArticle], tickets: Sequence[DemoTicket], repeats: int = 1) -> list[Pair]:
    """Demo titles and train-split tickets -> their article, ``repeats`` times."""
    by_key = {a.key: a for a in kb}
    pairs = [Pair(a.title, a.text, a.key, a.account) for a in kb]
    pairs += [Pair(t.text, by_key[t.article_key].text, t.article_key, t.account) for t in tickets if t.split == "train"]
    return pairs * repeats


def build_demo(build: DemoBuild, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Run every step (finished ones are reused); returns (and writes) the held-out evaluation report."""
    from answerbot.evaluation.calibrated import calibrate_version
    from answerbot.recipe.build import build_recipe
    from answerbot.settings import get_settings
    from answerbot.teacher import CachedTeacher, MuseTeacher

    started = time.perf_counter()
    kb, tickets = load_kb(), load_tickets()
    recipe = Recipe.named(build.recipe)
    train_tickets = [t.text for t in tickets if t.split == "train"]
    result = build_recipe(
        recipe,
        build.data_dir,
        build.work_dir,
        CachedTeacher(MuseTeacher(), build.cache_dir),
        say,
        export_to=build.model_root,
        extra_pairs=demo_pairs(kb, tickets, build.demo_repeats),
        extra_texts=[a.text for a in kb] + train_tickets,
        export_extra={"trained_on": "demo"},
    )
    assert result.export_dir is not None
    calibration = calibrate_version(
        result.export_dir,
        result.model.encode,
        build.data_dir,
        recipe.finetune.support_kb,
        hybrid_weight=get_settings().hybrid_weight,
    )
    say(f"calibrated top scores: {calibration}")
    held_out = [t for t in tickets if t.split == "test"]
    report = {
        "model_version": result.export_dir.name,
        "recipe": recipe.name,
        "steps_seconds": result.seconds,
        "build_seconds": time.perf_counter() - started,
        "all_locales": evaluate_tickets(kb, held_out, result.model.encode),
        "same_locale": evaluate_tickets(kb, held_out, result.model.encode, same_locale=True),
        "to_english": evaluate_tickets(kb, held_out, result.model.encode, to_locale="en"),
    }
    build.report_path.parent.mkdir(parents=True, exist_ok=True)
    build.report_path.write_text(json.dumps(report, indent=2) + "\n")
    return report
