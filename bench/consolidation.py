"""Consolidation: one model per language (own table, own data) vs one merged model, P1 side by side.

Both sides see the same training pairs (support-KB train titles -> bodies, same language only) and
the same training settings; only the consolidation differs. BM25 on the same KB comes from the same
P1 run. Writes one JSON and prints one table.

    .venv/bin/python bench/consolidation.py --epochs 5
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from answerbot.data.kb_pairs import KB_LANGUAGES, kb_pairs
from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.p1 import evaluate_p1
from answerbot.model.training import TrainConfig, train_dual_encoder

METRIC = "mrr@10"


def train_and_score(pairs, table, languages, config, data_dir, work):
    started = time.perf_counter()
    model = train_dual_encoder(pairs, table, work, config)
    seconds = time.perf_counter() - started
    result = evaluate_p1(data_dir, model.encode, table=None, languages=languages)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--tables", type=Path, default=Path("embeddings/tables"), help="holds <lang>-exp tables")
    parser.add_argument("--merged", type=Path, default=Path("embeddings/merged/kb13"))
    parser.add_argument("--languages", default=",".join(KB_LANGUAGES))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/consolidation.json"))
    args = parser.parse_args()
    languages = [lang for lang in args.languages.split(",") if lang]
    config = TrainConfig(epochs=args.epochs, batch_size=128, max_tokens=96)
    started = time.perf_counter()
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for lang in languages:
            table = EmbeddingTable.load(args.tables / f"{lang}-exp")
            result, seconds = train_and_score(
                kb_pairs(args.data_dir, [lang]), table, [lang], config, args.data_dir, Path(tmp) / lang
            )
            methods = result["languages"][lang]["methods"]
            rows[lang] = {
                "per_language": methods["dense"][METRIC],
                "bm25": methods["bm25"][METRIC],
                "per_language_train_seconds": round(seconds, 1),
            }
            print(f"{lang}: per-language {rows[lang]['per_language']:.3f} ({seconds:.0f} s)", flush=True)
        merged_table = EmbeddingTable.load(args.merged)
        merged, merged_seconds = train_and_score(
            kb_pairs(args.data_dir, languages), merged_table, languages, config, args.data_dir, Path(tmp) / "merged"
        )
    for lang in languages:
        rows[lang]["merged"] = merged["languages"][lang]["methods"]["dense"][METRIC]
    mean = {k: sum(r[k] for r in rows.values()) / len(rows) for k in ("per_language", "merged", "bm25")}
    report = {
        "benchmark": "consolidation",
        "metric": f"P1 {METRIC}, same-language titles",
        "settings": {"epochs": args.epochs, "batch_size": 128, "max_tokens": 96, "merged_table": str(args.merged)},
        "languages": rows,
        "mean": mean,
        "merged_train_seconds": round(merged_seconds, 1),
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
