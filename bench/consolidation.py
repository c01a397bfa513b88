"""Consolidation with the teacher recipe: one model per language vs the one merged P1 model, P1 side by side.

    .venv/bin/python bench/consolidation.py --build var/builds/p1

Each per-language model is the P1 recipe restricted to one language: that language's table (the P1
build's, reused as it is), a core distilled on that language's fit sentences and KB train texts, fine-tuned
on its own same-language KB train pairs, with the recipe's settings. The merged model is the P1 build's
(all 14 languages, plus English-title and cross-language pairs: what one shared model can use). P1
same-language MRR@10 per language, BM25 from the same run. Writes one JSON and prints one table.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from answerbot.evaluation.p1 import evaluate_p1
from answerbot.model.training import TrainedModel
from answerbot.recipe.build import build_recipe
from answerbot.recipe.config import Recipe
from answerbot.teacher import CachedTeacher, MuseTeacher

METRIC = "mrr@10"


def mono_recipe(recipe: Recipe, lang: str) -> Recipe:
    finetune = replace(recipe.finetune, support_kb=(lang,), english_titles=0.0, cross_language=0.0)
    return replace(recipe, name=f"{recipe.name}-{lang}", languages=(lang,), finetune=finetune)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True, help="the P1 recipe build (tables/, run/)")
    parser.add_argument("--recipe", default="p1")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--languages", default="ar,de,el,es,fr,it,ja,pt,ru,th,tr,vi,zh")
    parser.add_argument("--work", type=Path, default=Path("var/builds/consolidation"))
    parser.add_argument("--cache-dir", type=Path, default=Path("embeddings/cache"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/consolidation.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    recipe = Recipe.named(args.recipe)
    teacher = CachedTeacher(MuseTeacher(), args.cache_dir)
    languages = [lang for lang in args.languages.split(",") if lang]
    merged = evaluate_p1(args.data_dir, TrainedModel.load(args.build / "run").encode, None, languages)
    rows: dict[str, dict[str, float]] = {}
    for lang in languages:
        work = args.work / lang
        (work / "tables").mkdir(parents=True, exist_ok=True)
        link = work / "tables" / lang
        if not link.exists():
            link.symlink_to((args.build / "tables" / lang).resolve())
        t0 = time.perf_counter()
        result = build_recipe(mono_recipe(recipe, lang), args.data_dir, work, teacher, say=lambda _m: None)
        seconds = time.perf_counter() - t0
        mono = evaluate_p1(args.data_dir, result.model.encode, None, [lang])
        rows[lang] = {
            "per_language": mono["languages"][lang]["methods"]["dense"][METRIC],
            "merged": merged["languages"][lang]["methods"]["dense"][METRIC],
            "bm25": mono["languages"][lang]["methods"]["bm25"][METRIC],
            "per_language_build_seconds": round(seconds, 1),
        }
        print(f"{lang}: per-language {rows[lang]['per_language']:.3f}, merged {rows[lang]['merged']:.3f}", flush=True)
    mean = {k: sum(r[k] for r in rows.values()) / len(rows) for k in ("per_language", "merged", "bm25")}
    report = {
        "benchmark": "consolidation",
        "metric": f"P1 {METRIC}, same-language titles",
        "recipe": recipe.to_dict(),
        "merged_build": str(args.build),
        "languages": rows,
        "mean": mean,
        "data_files": merged["data_files"],
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    view = Table("language", "per-language model", "merged model", "BM25", title=f"P1 {METRIC}")
    for lang, r in rows.items():
        view.add_row(lang, f"{r['per_language']:.3f}", f"{r['merged']:.3f}", f"{r['bm25']:.3f}")
    view.add_row("mean", *(f"{mean[k]:.3f}" for k in ("per_language", "merged", "bm25")))
    Console().print(view)


if __name__ == "__main__":
    main()
