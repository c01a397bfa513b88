"""P1 (support KB, unseen articles) for a trained run: same-language titles, English titles, hybrid.

    .venv/bin/python bench/p1.py --run var/runs/p1-kb13 --table embeddings/merged/kb13

Writes one JSON (the three evaluator reports, each with BM25 and mean-of-vectors computed in the
same run) and prints the mean MRR@10 table.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rich.console import Console

from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.p1 import evaluate_p1
from answerbot.evaluation.report import report_table
from answerbot.model.training import TrainedModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, required=True, help="training run folder")
    parser.add_argument("--table", type=Path, required=True, help="the merged table the run was trained over")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--hybrid-weight", type=float, default=0.3)
    parser.add_argument("--out", type=Path, default=Path("bench/results/p1.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    model = TrainedModel.load(args.run)
    table = EmbeddingTable.load(args.table)
    console = Console()
    results = {}
    for name, queries, weight in (
        ("same_language", "title", None),
        ("english_titles", "title_en", None),
        ("hybrid_same_language", "title", args.hybrid_weight),
    ):
        results[name] = evaluate_p1(args.data_dir, model.encode, table, queries=queries, hybrid_weight=weight)
        console.print(report_table(results[name]))
    report = {
        "benchmark": "P1",
        "run": str(args.run),
        "train": {"seconds": model.record.get("train_seconds"), "pairs": model.record.get("pairs"),
                  "best_val_mrr": model.record.get("best_val_mrr"), "history": model.history},
        "results": results,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
