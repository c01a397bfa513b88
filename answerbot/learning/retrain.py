"""One retraining round: fine-tune a candidate on new feedback, compare it with the serving model, promote or not.

1. the candidate continues the serving model's training run (``--run``, the Keras run the serving version was
   exported from) on the feedback exports' pairs (rejected articles as hard negatives), a short fine-tune;
2. the serving version (the highest under the model root, or the one named) and the candidate are scored on
   the same figures (``answerbot.learning.figures``: P1, P4, held-out feedback);
3. the guard (``answerbot.learning.guard``) promotes the candidate only if it is not worse on any figure;
   a promoted candidate is exported as the next version with its P4 calibration (``assets.extra``), and its
   run is kept in ``OUT/run`` for the next round; then ``answerbot reencode`` and the ``canary``/``stable``
   labels roll it out.
4. ``OUT/report.json`` and ``OUT/report.md`` hold the decision and every figure.

``shuffle_pairs`` pairs each ticket with another ticket's article: a deliberately worse candidate (the
guard's control).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.calibration import CalibrationError
from answerbot.data.feedback_pairs import read_feedback_pairs
from answerbot.data.kb_pairs import kb_pairs
from answerbot.data.records import Pair
from answerbot.encoders.inprocess import SavedModelEncoder, latest_version_dir
from answerbot.evaluation.calibrated import calibrate_version
from answerbot.evaluation.p1 import P1_LANGUAGES
from answerbot.evaluation.report import write_report
from answerbot.learning.figures import model_figures
from answerbot.learning.guard import TOLERANCE, Decision, decide
from answerbot.model.export import export_model
from answerbot.model.training import TrainedModel, train_dual_encoder

__all__ = ["RetrainResult", "benchmark_floor", "retrain", "shuffled"]


@dataclass(frozen=True)
class RetrainResult:
    decision: Decision
    version: str | None
    """The exported version when promoted, else None."""
    report: dict[str, Any]
    out: Path


def shuffled(pairs: Sequence[Pair], seed: int) -> list[Pair]:
    """Each query paired with another pair's document (a seeded derangement-like shuffle), negatives dropped."""
    order = np.random.default_rng(seed).permutation(len(pairs))
    order = np.roll(order, 1) if len(pairs) > 1 else order
    return [Pair(p.query, pairs[j].document, pairs[j].doc_key, p.group) for p, j in zip(pairs, order, strict=True)]


def retrain(
    run: Path,
    feedback: Sequence[Path],
    out: Path,
    model_root: Path,
    data_dir: Path,
    heldout: Path | None = None,
    languages: Sequence[str] | None = None,
    serving_version: str | None = None,
    epochs: int = 1,
    learning_rate: float = 2e-4,
    tolerance: float = TOLERANCE,
    seed: int = 0,
    hybrid_weight: float = 0.7,
    shuffle_pairs: bool = False,
    replay_per_language: int = 0,
    floor: Mapping[str, float] | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> RetrainResult:
    """Run one round (see the module docstring); the candidate's run goes to ``out/run``.

    ``replay_per_language`` adds that many support-KB **train** pairs per language (title -> body, half of
    them also English title -> body) so the fine-tune does not forget the KB; ``floor`` holds benchmark
    figures (P1, P4) of an earlier version the candidate must also stay within ``tolerance`` of."""
    started = time.perf_counter()
    if not feedback:
        raise ValueError("feedback: no export given; pass --feedback FILE (answerbot feedback export)")
    serving_dir = Path(model_root) / serving_version if serving_version else latest_version_dir(Path(model_root))
    serving = SavedModelEncoder(serving_dir)
    served = set(serving.metadata.get("languages") or P1_LANGUAGES)
    langs = list(languages) if languages else [c for c in P1_LANGUAGES if c in served]
    pairs: list[Pair] = []
    sources: dict[str, Any] = {}
    for path in feedback:
        read = read_feedback_pairs(path)
        pairs += read.pairs
        sources[str(path)] = {"pairs": len(read.pairs), "negatives": read.negatives, "unattached": read.unattached}
    if shuffle_pairs:
        pairs = shuffled(pairs, seed)
    if replay_per_language:
        replay = kb_pairs(data_dir, langs, english_titles=0.5, per_language=replay_per_language, seed=seed)
        pairs += replay
        sources["support-kb replay (train ids)"] = {"pairs": len(replay)}
    base = TrainedModel.load(run)
    config = dataclasses.replace(
        base.config, epochs=epochs, learning_rate=learning_rate, distill_weight=0.0, hard_negatives=False, seed=seed
    )
    log(f"training the candidate on {len(pairs)} pairs ({epochs} epoch(s), learning rate {learning_rate})")
    candidate = train_dual_encoder(pairs, base, out / "work", config)
    candidate.save(out / "run")
    log(f"scoring the serving version {serving_dir.name} and the candidate on {', '.join(langs)}")
    old, old_details, _ = model_figures(serving.encode, data_dir, langs, heldout, seed, hybrid_weight)
    new, new_details, _ = model_figures(candidate.encode, data_dir, langs, heldout, seed, hybrid_weight)
    decision = decide(old, new, tolerance, floor)
    version, calibration = None, "not fitted: not promoted"
    if decision.promote:
        target = export_model(candidate, Path(model_root))
        version = target.name
        try:
            calibration = str(calibrate_version(target, candidate.encode, data_dir, langs, seed, hybrid_weight))
        except CalibrationError as e:
            calibration = f"not fitted: {e}"
    report = {
        "decision": "promoted" if decision.promote else "refused",
        "reason": decision.reason(),
        "exported_version": version,
        "calibration": calibration,
        "serving_version": serving_dir.name,
        "figures": decision.figures,
        "tolerance": tolerance,
        "floor": dict(floor or {}),
        "candidate": {
            "run": str(out / "run"),
            "from_run": str(run),
            "pairs": len(pairs),
            "sources": sources,
            "shuffled_pairs": shuffle_pairs,
            "replay_per_language": replay_per_language,
            "config": dataclasses.asdict(config),
            "train_seconds": round(float(candidate.record.get("train_seconds", 0.0)), 1),
            "loss": [round(h["loss"], 4) for h in candidate.history],
        },
        "details": {"serving": old_details, "candidate": new_details},
        "settings": {"languages": langs, "heldout": None if heldout is None else str(heldout), "seed": seed,
                     "hybrid_weight": hybrid_weight, "data_dir": str(data_dir)},
        "wall_seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip
    write_report(report, out / "report.json")
    (out / "report.md").write_text(_markdown(report), encoding="utf-8")
    return RetrainResult(decision, version, report, out)


def benchmark_floor(report_path: Path, which: str = "serving") -> dict[str, float]:
    """The P1/P4 figures of an earlier round's report (its serving model's, or its candidate's): a floor."""
    import json

    try:
        figures = json.loads(Path(report_path).read_text(encoding="utf-8"))["figures"]
    except (OSError, ValueError, KeyError) as e:
        raise ValueError(
            f"{report_path}: not a retrain report.json ({e!r}); pass the report of an earlier round"
        ) from e
    return {
        n: float(row[which]) for n, row in figures.items() if n.startswith(("p1.", "p4.")) and row[which] is not None
    }


def _markdown(report: dict[str, Any]) -> str:
    candidate = report["candidate"]
    control = " (shuffled pairs: the control)" if candidate["shuffled_pairs"] else ""
    exported = report["exported_version"]
    lines = [
        f"# Retraining round: {report['decision']}",
        "",
        f"{report['reason']}.",
        "",
        f"Serving version {report['serving_version']}; the candidate was trained on {candidate['pairs']} pairs{control}"
        f" and {'exported as version ' + exported if exported else 'not exported'}.",
        "",
        "| figure | serving | floor | candidate | difference | blocks |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, row in report["figures"].items():
        blocks = "yes" if row["worse"] else ""
        floor = "" if row.get("floor") is None else row["floor"]
        lines.append(f"| {name} | {row['serving']} | {floor} | {row['candidate']} | {row['difference']} | {blocks} |")
    return "\n".join(lines) + "\n"
