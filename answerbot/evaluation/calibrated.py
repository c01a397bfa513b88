"""Calibrations fitted on P4's construction over ``train`` ids, judged on P4's ``test`` queries.

For each calibrated method (dense and hybrid: the service's two scoring modes) the isotonic map is fitted
on the train-side top outcomes of every language pooled, then on the held-out test outcomes: the expected
calibration error (10 bins), and what an account with a target precision would get: the threshold the
calibration picks for the target, and the precision and coverage that threshold actually gives on test
(pooled and per language). For comparison, the best any threshold of each method can do on test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.calibration import (
    Calibration,
    expected_calibration_error,
    fit_calibration,
    precision_curve,
    save_calibrations,
)
from answerbot.evaluation.p4 import TopOutcomes, p4_outcomes
from answerbot.evaluation.scoring import DENSE, HYBRID, Encode

__all__ = [
    "CALIBRATED_METHODS",
    "at_threshold",
    "calibrate_version",
    "calibration_report",
    "fit_p4_calibrations",
    "pool_outcomes",
]

CALIBRATED_METHODS = (DENSE, HYBRID)
BINS = 10


def pool_outcomes(by_language: Mapping[str, Mapping[str, TopOutcomes]], method: str) -> TopOutcomes:
    """One method's outcomes of every language, concatenated."""
    parts = [by_language[lang][method] for lang in by_language]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def fit_p4_calibrations(
    train: Mapping[str, Mapping[str, TopOutcomes]], info: Mapping[str, Any] | None = None
) -> dict[str, Calibration]:
    """method -> isotonic calibration fitted on the pooled train-side outcomes."""
    out = {}
    for method in CALIBRATED_METHODS:
        if all(method in by for by in train.values()):
            pooled = pool_outcomes(train, method)
            out[method] = fit_calibration(pooled.scores, pooled.correct, {"method": method, **dict(info or {})})
    return out


def at_threshold(outcomes: TopOutcomes, threshold: float | None) -> dict[str, float | None]:
    """Precision and coverage when answers scoring at least ``threshold`` are offered (None: nothing offered)."""
    if threshold is None:
        return {"threshold": None, "precision": None, "coverage": 0.0}
    offered = outcomes.scores >= threshold
    precision = float(outcomes.correct[offered].mean()) if offered.any() else None
    return {"threshold": threshold, "precision": precision, "coverage": float(offered.mean())}


def _best(outcomes: TopOutcomes, target: float) -> dict[str, float | None]:
    thresholds, precision, coverage = precision_curve(outcomes.scores, outcomes.correct)
    reached = np.flatnonzero(precision >= target)
    if not reached.size:
        return {"threshold": None, "precision": None, "coverage": 0.0}
    i = int(reached[-1])
    return {"threshold": float(thresholds[i]), "precision": float(precision[i]), "coverage": float(coverage[i])}


def calibration_report(
    calibrations: Mapping[str, Calibration],
    test: Mapping[str, Mapping[str, TopOutcomes]],
    targets: Sequence[float] = (0.8, 0.9, 0.95),
) -> dict[str, Any]:
    """ECE on the held-out test outcomes and the calibrated thresholds' precision and coverage there."""
    report: dict[str, Any] = {}
    for method, calibration in calibrations.items():
        pooled = pool_outcomes(test, method)
        probabilities = np.asarray(calibration.confidence(pooled.scores))
        per_target = {}
        for target in targets:
            threshold = calibration.threshold_for(target)
            per_target[f"{target:.2f}"] = {
                "calibrated": at_threshold(pooled, threshold),
                "calibrated_per_language": {lang: at_threshold(test[lang][method], threshold) for lang in test},
                "best_threshold_on_test": _best(pooled, target),
            }
        report[method] = {
            "ece": expected_calibration_error(probabilities, pooled.correct, BINS),
            "ece_per_language": {
                lang: expected_calibration_error(
                    np.asarray(calibration.confidence(test[lang][method].scores)), test[lang][method].correct, BINS
                )
                for lang in test
            },
            "fit_samples": calibration.samples,
            "test_samples": int(pooled.scores.size),
            "mean_confidence": float(probabilities.mean()),
            "accuracy": float(pooled.correct.mean()),
            "targets": per_target,
        }
    return report


def calibrate_version(
    version_dir: Path,
    encode: Encode,
    data_dir: Path,
    languages: Sequence[str],
    seed: int = 0,
    hybrid_weight: float = 0.7,
) -> Path:
    """Fit a model version's global calibrations on the train-side P4 construction (KBs of the test KBs'
    size) and write them to ``<version_dir>/assets.extra/calibration.json``."""
    train = p4_outcomes(data_dir, encode, languages, "train", seed, hybrid_weight, match_test_size=True)
    version = Path(version_dir).name
    info = {
        "model_version": version,
        "fit": "P4 construction on train ids, a KB of the test KB's size per language",
        "seed": seed,
        "languages": list(languages),
        "hybrid_weight": hybrid_weight,
    }
    return save_calibrations(version_dir, fit_p4_calibrations(train, info), {"model_version": version})
