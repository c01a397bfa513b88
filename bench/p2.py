"""P2 (XQuAD-R, LAReQA protocol): train on the other folds (+ qa-train), score one fold; mAP.

    .venv/bin/python bench/p2.py --fold 0 --table embeddings/merged/xq11

Writes one JSON (training record and the evaluator's report, with BM25 and mean-of-vectors from the
same run) and prints the evaluator's table.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rich.console import Console

from answerbot.data.squad import qa_pairs
from answerbot.data.xquad_pairs import xquad_pairs
from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.p2 import evaluate_p2
from answerbot.evaluation.report import report_table
from answerbot.model.training import TrainConfig, train_dual_encoder

#: qa-train SQuAD files in XQuAD-R languages, with a cap on pairs taken from each.
QA_FILES = {
    "tquad/train-v0.1.json.gz": 3000,
    "arcd/arcd-train.json": None,
    "cmrc2018/cmrc2018_dev.json.gz": 3000,
    "zalo-mailong25-vi/Dataset/old/squad-v2.0-mailong25.json.gz": None,
    "covid-qa-deepset/data/question-answering/200423_covidQA.json.gz": 1000,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--table", type=Path, required=True, help="merged table over the XQuAD-R languages")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--cross-language", type=float, default=0.5)
    parser.add_argument("--no-qa-train", action="store_true")
    parser.add_argument("--run", type=Path, default=Path("var/runs/p2-fold0"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/p2.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    pairs = xquad_pairs(args.data_dir, args.fold, args.cross_language)
    sources = {"xquad-r other folds": len(pairs)}
    if not args.no_qa_train:
        for name, limit in QA_FILES.items():
            extra = qa_pairs(args.data_dir / "qa-train" / name, group=name.split("/")[0], limit=limit)
            pairs += extra
            sources[f"qa-train/{name}"] = len(extra)
    config = TrainConfig(epochs=args.epochs, batch_size=128, max_tokens=96)
    table = EmbeddingTable.load(args.table)
    model = train_dual_encoder(pairs, table, args.run, config)
    model.record["sources"] = sources
    model.save(args.run)
    result = evaluate_p2(args.data_dir, model.encode, args.fold, table)
    Console().print(report_table(result))
    report = {
        "benchmark": "P2",
        "fold": args.fold,
        "train": {"pairs": len(pairs), "sources": sources, "seconds": model.record["train_seconds"],
                  "history": model.history},
        "result": result,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
