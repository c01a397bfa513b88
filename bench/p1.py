"""P1 (support KB, unseen articles) and P3 (Tatoeba) of a trained run, with every baseline in the same run.

    .venv/bin/python bench/p1.py --build var/builds/p1          # a recipe build: run/ and merged/
    .venv/bin/python bench/p1.py --run RUN --table MERGED        # any run and its merged table

P1 same-language titles and English titles score the model (dense), BM25, the mean of the merged
table's word vectors, hybrid (model + BM25) and the teacher (mUSE v3) alone and fused with BM25; P3
scores the merged table's mean of word vectors, the model and the teacher. Writes one JSON and prints
the evaluators' tables.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rich.console import Console

from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.p1 import evaluate_p1
from answerbot.evaluation.p3 import evaluate_p3
from answerbot.evaluation.report import report_table
from answerbot.model.training import TrainedModel
from answerbot.teacher import CachedTeacher, MuseTeacher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, help="recipe build folder (holds run/ and merged/)")
    parser.add_argument("--run", type=Path, help="training run folder")
    parser.add_argument("--table", type=Path, help="the merged table the run was trained over")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--hybrid-weight", type=float, default=0.7)
    parser.add_argument("--languages", default=None, help="comma-separated (default: the 13 KB languages)")
    parser.add_argument("--no-teacher", action="store_true", help="skip the teacher baseline")
    parser.add_argument("--cache-dir", type=Path, default=Path("embeddings/cache"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/p1.json"))
    args = parser.parse_args()
    run = args.run or (args.build / "run" if args.build else None)
    table_dir = args.table or (args.build / "merged" if args.build else None)
    if run is None or table_dir is None:
        parser.error("give --build, or --run and --table")
    started = time.perf_counter()
    model = TrainedModel.load(run)
    table = EmbeddingTable.load(table_dir)
    teacher = None if args.no_teacher else CachedTeacher(MuseTeacher(), args.cache_dir).encode
    languages = args.languages.split(",") if args.languages else None
    console = Console()
    results = {}
    for name, queries in (("same_language", "title"), ("english_titles", "title_en")):
        results[name] = evaluate_p1(
            args.data_dir, model.encode, table, languages, queries, args.hybrid_weight, teacher=teacher
        )
        console.print(report_table(results[name]))
    results["p3"] = evaluate_p3(args.data_dir, table, model.encode, languages, teacher)
    console.print(report_table(results["p3"]))
    report = {
        "benchmark": "P1 + P3",
        "run": str(run),
        "table": {"path": str(table_dir), "words": len(table), "strategy": table.meta.get("strategy")},
        "train": {k: model.record.get(k) for k in ("train_seconds", "pairs", "best_val_mrr", "stages", "recipe")},
        "results": results,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
