"""P4 (support KB with unanswerable queries) for dense, BM25 and hybrid, and the calibration of top scores.

    .venv/bin/python bench/p4.py --model serving/models/answerbot/3                 # one version folder
    .venv/bin/python bench/p4.py --model-root serving/models/answerbot --write-calibration

Test-split titles are the queries, a seeded half of the ids is removed from each language's KB
(``answerbot.evaluation.p4``). Isotonic calibrations (dense and hybrid) are fitted on the same construction
over **train** ids and judged on the test queries: ECE (10 bins) and the precision and coverage a target
precision's threshold gives. ``--write-calibration`` stores them as ``<version>/assets.extra/calibration.json``,
where the service reads them. Writes one JSON (default bench/results/p4.json) and prints the tables.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from answerbot.calibration import save_calibrations
from answerbot.encoders.inprocess import SavedModelEncoder, latest_version_dir
from answerbot.evaluation.calibrated import calibration_report, fit_p4_calibrations
from answerbot.evaluation.p1 import P1_LANGUAGES
from answerbot.evaluation.p4 import evaluate_p4, p4_outcomes
from answerbot.evaluation.report import write_report


def _table(result: dict[str, Any]) -> Table:
    table = Table(title="P4 · precision of offered answers over coverage", box=box.SIMPLE_HEAD)
    for name in ("method", "lang", "area", "thr@90%", "cov@90%", "top1 (answerable)"):
        table.add_column(name, justify="left" if name in ("method", "lang") else "right")
    for method in result["settings"]["methods"]:
        rows = [(lang, figures["methods"][method]) for lang, figures in result["languages"].items()]
        rows.append(("pooled", result["pooled"][method]))
        for i, (lang, f) in enumerate(rows):
            threshold = "not reached" if f["threshold@90%"] is None else f"{f['threshold@90%']:.3f}"
            cells = (f"{f['area']:.3f}", threshold, f"{f['coverage@90%']:.3f}", f"{f['top1_answerable']:.3f}")
            table.add_row(method if i == 0 else "", lang, *cells, end_section=lang == "pooled")
        mean = result["mean"][method]
        table.add_row("", "mean", f"{mean['area']:.3f}", "", f"{mean['coverage@90%']:.3f}", "", end_section=True)
    return table


def _calibration_table(report: dict[str, Any], p4: dict[str, Any]) -> Table:
    table = Table(title="Calibration (fit: train ids; judged: test queries, pooled)", box=box.SIMPLE_HEAD)
    for name in ("method", "ECE", "target", "threshold", "precision", "coverage", "best coverage"):
        table.add_column(name, justify="left" if name == "method" else "right")
    for method, figures in report.items():
        for i, (target, row) in enumerate(figures["targets"].items()):
            got, best = row["calibrated"], row["best_threshold_on_test"]
            table.add_row(
                method if i == 0 else "",
                f"{figures['ece']:.3f}" if i == 0 else "",
                target,
                "none" if got["threshold"] is None else f"{got['threshold']:.3f}",
                "-" if got["precision"] is None else f"{got['precision']:.3f}",
                f"{got['coverage']:.3f}",
                f"{best['coverage']:.3f}",
                end_section=i == len(figures["targets"]) - 1,
            )
    bm25 = p4["pooled"]["bm25"]
    table.caption = f"BM25, best threshold on test for 90 % precision: coverage {bm25['coverage@90%']:.3f}"
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="SavedModel version folder (default: latest under --model-root)")
    root = os.environ.get("ANSWERBOT_MODEL_ROOT", "serving/models/answerbot")
    parser.add_argument("--model-root", type=Path, default=Path(root))
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("ANSWERBOT_DATA_DIR", "../shared/data")))
    parser.add_argument("--languages", default=None, help="comma-separated (default: the model's KB languages)")
    parser.add_argument("--per-language", type=int, default=None, help="test queries per language (seeded; all)")
    parser.add_argument("--fit-per-language", type=int, default=None, help="train queries per language (seeded)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hybrid-weight", type=float, default=0.7)
    parser.add_argument("--write-calibration", action="store_true", help="store the calibration next to the model")
    parser.add_argument("--out", type=Path, default=Path("bench/results/p4.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    version_dir = args.model or latest_version_dir(args.model_root)
    encoder = SavedModelEncoder(version_dir)
    served = set(encoder.metadata.get("languages") or P1_LANGUAGES)
    languages = args.languages.split(",") if args.languages else [c for c in P1_LANGUAGES if c in served]
    common = (args.data_dir, encoder.encode, languages)
    test = p4_outcomes(*common, "test", args.seed, args.hybrid_weight, args.per_language)
    train = p4_outcomes(*common, "train", args.seed, args.hybrid_weight, args.fit_per_language, match_test_size=True)
    p4 = evaluate_p4(args.data_dir, None, languages, args.seed, args.hybrid_weight, args.per_language, outcomes=test)
    info = {
        "model_version": encoder.model_version,
        "fit": "P4 construction on train ids, a KB of the test KB's size per language",
        "seed": args.seed,
        "per_language": args.fit_per_language,
        "languages": languages,
        "hybrid_weight": args.hybrid_weight,
    }
    calibrations = fit_p4_calibrations(train, info)
    report = calibration_report(calibrations, test)
    console = Console()
    console.print(_table(p4))
    console.print(_calibration_table(report, p4))
    written = None
    if args.write_calibration:
        written = str(save_calibrations(version_dir, calibrations, {"model_version": encoder.model_version}))
        console.print(f"calibration written to {written}")
    result = {
        "benchmark": "P4 + calibration",
        "model": {"path": str(version_dir), "version": encoder.model_version, "languages": sorted(served)},
        "p4": p4,
        "calibration": {
            "fit": info,
            "report": report,
            "written": written,
            "breakpoints": {m: len(c.scores) for m, c in calibrations.items()},
        },
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    write_report(result, args.out)
    console.print(f"wrote {args.out} in {result['wall_seconds']} s")


if __name__ == "__main__":
    main()
