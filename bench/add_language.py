"""add-language on P1: a core trained without language X serves X after its table is appended.

    .venv/bin/python bench/add_language.py --run var/runs/p1-core12 --merged embeddings/merged/kb12-no-tr \\
        --table embeddings/tables/tr-aligned --lang tr

Compares, on P1 for X (same-language titles and English titles): the core as trained (X's words are
unknown unless they collide with another language's), the core with X's aligned table appended
(`extend_vocabulary`, no retraining), and BM25 in the same run. Writes one JSON, prints one table.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from answerbot.embeddings.add_language import add_language
from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.p1 import evaluate_p1
from answerbot.model.extend import extend_vocabulary
from answerbot.model.training import TrainedModel

METRIC = "mrr@10"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--merged", type=Path, required=True, help="the table the run was trained over")
    parser.add_argument("--table", type=Path, required=True, help="the new language's aligned table")
    parser.add_argument("--lang", required=True)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/add_language.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    core = TrainedModel.load(args.run)
    grown_table = add_language(EmbeddingTable.load(args.merged), EmbeddingTable.load(args.table))
    with tempfile.TemporaryDirectory() as tmp:
        grown = extend_vocabulary(core, grown_table, Path(tmp))
        rows = {}
        for queries in ("title", "title_en"):
            before = evaluate_p1(args.data_dir, core.encode, languages=[args.lang], queries=queries)
            after = evaluate_p1(args.data_dir, grown.encode, languages=[args.lang], queries=queries)
            methods = (before["languages"][args.lang]["methods"], after["languages"][args.lang]["methods"])
            rows[queries] = {
                "core_without_language": methods[0]["dense"][METRIC],
                "core_with_added_table": methods[1]["dense"][METRIC],
                "bm25": methods[1]["bm25"][METRIC],
            }
    report = {
        "benchmark": "add-language",
        "language": args.lang,
        "metric": f"P1 {METRIC}",
        "added_words": grown.encoder.vocab_size - core.encoder.vocab_size,
        "results": rows,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    view = Table("queries", "core, language unseen", "core + added table", "BM25", title=f"P1 {METRIC}, {args.lang}")
    for queries, r in rows.items():
        view.add_row(queries, *(f"{r[k]:.3f}" for k in ("core_without_language", "core_with_added_table", "bm25")))
    Console().print(view)


if __name__ == "__main__":
    main()
