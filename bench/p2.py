"""P2 (XQuAD-R, LAReQA protocol) over all four folds: for each fold, fine-tune on the other three and score it.

    .venv/bin/python bench/p2.py --build var/builds/p1

The start is a recipe build's model (its core was distilled and fine-tuned without XQuAD-R). For fold k:
Hindi (not a P1 language, not covered by the teacher) gets a teacher table fitted to XQuAD-R questions
and paragraphs of the other folds against the teacher's vectors of their translations, appended to the
merged table without moving a row (``add-language``), and the model's vocabulary grows with it; the model
is then fine-tuned on the other folds' question -> answer-sentence pairs (a share across languages),
anchored to the teacher's vectors of the other folds' texts; fold k is scored against the full pool with
BM25, the mean of word vectors and the teacher in the same run. Nothing of fold k is read for training.
Writes one JSON (per fold and the mean over folds) and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from rich.console import Console

from answerbot.data.parallel import xquad_parallel
from answerbot.data.xquad import XQUAD_LANGUAGES, read_folds, read_xquad
from answerbot.data.xquad_pairs import xquad_pairs
from answerbot.embeddings.add_language import add_language
from answerbot.embeddings.sentence_fit import FitConfig
from answerbot.embeddings.table import EmbeddingTable
from answerbot.embeddings.teacher_table import TeacherTableConfig, fit_table, teacher_table
from answerbot.evaluation.p2 import P2_METRICS, evaluate_p2
from answerbot.evaluation.report import report_table
from answerbot.model.extend import extend_vocabulary
from answerbot.model.training import TrainedModel, train_dual_encoder
from answerbot.teacher import CachedTeacher, MuseTeacher
from answerbot.teacher.targets import DistillSet, own_targets, parallel_targets

FOLDS = (0, 1, 2, 3)


def anchor_texts(data_dir: Path, fold: int, teacher: CachedTeacher) -> DistillSet:
    """Questions and sentences of the other folds in the teacher's languages, with its own vectors."""
    folds = read_folds(data_dir)
    texts = []
    for lang in XQUAD_LANGUAGES:
        if lang not in teacher.languages:
            continue
        for para in read_xquad(data_dir, lang):
            if folds.get(para.title, fold) != fold:
                texts += [q.question for q in para.questions] + list(para.sentences)
    return own_targets(teacher, texts, f"xquad-r other folds than {fold}")


def grow_for_fold(model: TrainedModel, merged: EmbeddingTable, data_dir: Path, fold: int, teacher, work: Path):
    """The model reading a Hindi table fitted on the other folds' parallel text (rows appended)."""
    table = teacher_table(data_dir / "corpora" / "hi.txt.gz", "hi", teacher, TeacherTableConfig(200_000, 1))
    texts = xquad_parallel(data_dir, "hi", teacher.languages, exclude_folds={fold})
    table = fit_table(table, parallel_targets(teacher, texts, "xquad-r:hi"), FitConfig(epochs=5))
    grown_table = add_language(merged, table)
    return extend_vocabulary(model, grown_table, work), grown_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True, help="recipe build folder (run/, merged/)")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--folds", default="0,1,2,3")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--cross-language", type=float, default=0.5)
    parser.add_argument("--distill-weight", type=float, default=1.0)
    parser.add_argument("--work", type=Path, default=Path("var/runs/p2"))
    parser.add_argument("--cache-dir", type=Path, default=Path("embeddings/cache"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/p2.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    teacher = CachedTeacher(MuseTeacher(), args.cache_dir)
    console = Console()
    base = TrainedModel.load(args.build / "run")
    merged = EmbeddingTable.load(args.build / "merged")
    per_fold = {}
    for fold in (int(f) for f in args.folds.split(",")):
        work = args.work / f"fold{fold}"
        model, table = grow_for_fold(base, merged, args.data_dir, fold, teacher, work)
        pairs = xquad_pairs(args.data_dir, fold, args.cross_language)
        config = replace(base.config, epochs=args.epochs, distill_weight=args.distill_weight, patience=1)
        tuned = train_dual_encoder(pairs, model, work, config, anchor=anchor_texts(args.data_dir, fold, teacher))
        result = evaluate_p2(args.data_dir, tuned.encode, fold, table, teacher=teacher.encode)
        console.print(report_table(result))
        per_fold[str(fold)] = {
            "train": {"pairs": len(pairs), "seconds": tuned.record.get("train_seconds"), "history": tuned.history},
            "result": result,
        }
    methods = list(next(iter(per_fold.values()))["result"]["mean"])
    mean = {m: {k: float(np.mean([f["result"]["mean"][m][k] for f in per_fold.values()])) for k in P2_METRICS}
            for m in methods}  # fmt: skip
    for m in methods:
        console.print(f"{m}: " + ", ".join(f"{k} {v:.3f}" for k, v in mean[m].items()) + f" (folds {list(per_fold)})")
    report = {
        "benchmark": "P2",
        "build": str(args.build),
        "settings": {
            "epochs": args.epochs,
            "cross_language": args.cross_language,
            "distill_weight": args.distill_weight,
            "folds": list(per_fold),
        },
        "folds": per_fold,
        "mean_over_folds": mean,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
