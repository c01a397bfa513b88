"""Calibration: a ranking's top score -> the probability that its top article is the right answer.

An isotonic regression (scikit-learn, ``out_of_bounds="clip"``) is fitted on (top score, right or not)
pairs; it is stored as its breakpoints, so applying it needs numpy only (``np.interp`` between breakpoints,
clipped at the ends: what ``IsotonicRegression.predict`` computes). Beside the breakpoints a calibration
keeps the precision curve of its fit data at up to 256 thresholds (evenly spaced in coverage): the share
of right answers among the queries scoring at least the threshold. An account's target precision becomes
the lowest of these thresholds whose precision reaches the target (:meth:`Calibration.threshold_for`).

A model version's global calibrations (one per scoring mode, ``dense`` and ``hybrid``) live in
``<version dir>/assets.extra/calibration.json``; the service reads them without TensorFlow.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CALIBRATION_FILE",
    "Calibration",
    "CalibrationError",
    "calibration_path",
    "expected_calibration_error",
    "fit_calibration",
    "load_calibrations",
    "precision_curve",
    "save_calibrations",
]

CALIBRATION_FILE = "calibration.json"
FORMAT = 1
CURVE_POINTS = 256


class CalibrationError(ValueError):
    """A calibration that cannot be fitted or read."""


@dataclass(frozen=True)
class Calibration:
    """Isotonic breakpoints (``scores`` increasing -> ``probabilities``) and the fit data's precision curve
    (``thresholds`` descending -> ``precision``, ``coverage``)."""

    scores: tuple[float, ...]
    probabilities: tuple[float, ...]
    thresholds: tuple[float, ...]
    precision: tuple[float, ...]
    coverage: tuple[float, ...]
    samples: int
    positives: int
    info: dict[str, Any] = field(default_factory=dict)

    def confidence(self, score: float | np.ndarray) -> Any:
        """Calibrated probability that the top article is right, for one top score or an array of them."""
        out = np.interp(np.asarray(score, dtype=np.float64), self.scores, self.probabilities)
        return float(out) if np.ndim(out) == 0 else out

    def threshold_for(self, target: float) -> float | None:
        """The lowest threshold whose precision reaches ``target`` (None: the fit data never reaches it)."""
        if not 0.0 < target < 1.0:
            raise CalibrationError(f"target={target}: a target precision lies strictly between 0 and 1")
        reached = [t for t, p in zip(self.thresholds, self.precision, strict=True) if p >= target]
        return min(reached) if reached else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scores": list(self.scores),
            "probabilities": list(self.probabilities),
            "thresholds": list(self.thresholds),
            "precision": list(self.precision),
            "coverage": list(self.coverage),
            "samples": self.samples,
            "positives": self.positives,
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calibration:
        try:
            scores, probabilities, thresholds, precision, coverage = (
                tuple(float(x) for x in data[k])
                for k in ("scores", "probabilities", "thresholds", "precision", "coverage")
            )
            out = cls(
                scores,
                probabilities,
                thresholds,
                precision,
                coverage,
                int(data["samples"]),
                int(data["positives"]),
                dict(data.get("info") or {}),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise CalibrationError(f"calibration: {e!r} is missing or malformed; refit it (bench/p4.py)") from e
        if not scores or len(probabilities) != len(scores) or not len(thresholds) == len(precision) == len(coverage):
            raise CalibrationError("calibration: columns of unequal lengths; refit it (bench/p4.py)")
        return out


def precision_curve(scores: np.ndarray, correct: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds descending, precision, coverage): each distinct score as a threshold, the share of right
    answers among the queries scoring at least that much, and their share of all queries."""
    scores, correct = np.asarray(scores, dtype=np.float64), np.asarray(correct, dtype=np.float64)
    if scores.shape != correct.shape or scores.ndim != 1:
        raise CalibrationError(f"scores {scores.shape} and correct {correct.shape}: pass two equal 1-d arrays")
    if not scores.size:
        empty = np.zeros(0)
        return empty, empty, empty
    order = np.argsort(-scores, kind="stable")
    s, c = scores[order], np.cumsum(correct[order])
    last = np.r_[np.flatnonzero(s[1:] != s[:-1]), s.size - 1]  # the last row of each run of equal scores
    count = last + 1.0
    return s[last], c[last] / count, count / s.size


def fit_calibration(
    scores: Sequence[float] | np.ndarray, correct: Sequence[float] | np.ndarray, info: Mapping[str, Any] | None = None
) -> Calibration:
    """Fit the isotonic map top score -> P(top article right); ``correct`` is 1/0 (or an expected value)."""
    from sklearn.isotonic import IsotonicRegression

    x, y = np.asarray(scores, dtype=np.float64), np.asarray(correct, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise CalibrationError(f"scores {x.shape}, correct {y.shape}: pass two equal 1-d arrays of 2 or more")
    if not np.all(np.isfinite(x)) or np.any((y < 0) | (y > 1)):
        raise CalibrationError("scores must be finite and correct must lie in [0, 1]")
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(x, y)
    breaks = np.asarray(iso.X_thresholds_, dtype=np.float64)
    probs = np.asarray(iso.y_thresholds_, dtype=np.float64)
    thresholds, precision, coverage = precision_curve(x, y)
    at = np.unique(np.linspace(0, thresholds.size - 1, min(CURVE_POINTS, thresholds.size)).round().astype(int))
    return Calibration(
        scores=tuple(float(v) for v in breaks),
        probabilities=tuple(round(float(v), 6) for v in probs),
        thresholds=tuple(float(thresholds[i]) for i in at),
        precision=tuple(round(float(precision[i]), 6) for i in at),
        coverage=tuple(round(float(coverage[i]), 6) for i in at),
        samples=int(x.size),
        positives=round(float(y.sum())),
        info=dict(info or {}),
    )


def expected_calibration_error(probabilities: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE over ``bins`` equal-width probability bins: sum of |mean confidence - accuracy| weighted by bin size."""
    p, y = np.asarray(probabilities, dtype=np.float64), np.asarray(correct, dtype=np.float64)
    if p.shape != y.shape or not p.size:
        raise CalibrationError(f"probabilities {p.shape} and correct {y.shape}: pass two equal non-empty arrays")
    which = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.sum() / p.size * abs(float(p[mask].mean()) - float(y[mask].mean()))
    return float(total)


def calibration_path(version_dir: Path | str) -> Path:
    """Where a model version keeps its global calibrations."""
    return Path(version_dir) / "assets.extra" / CALIBRATION_FILE


def save_calibrations(
    version_dir: Path | str, calibrations: Mapping[str, Calibration], info: Mapping[str, Any] | None = None
) -> Path:
    """Write ``{mode: calibration}`` (modes ``dense``, ``hybrid``) next to the model version."""
    path = calibration_path(version_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"format": FORMAT, **dict(info or {}), "modes": {m: c.to_dict() for m, c in calibrations.items()}}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def load_calibrations(version_dir: Path | str) -> dict[str, Calibration]:
    """``{mode: calibration}`` of a model version; empty when it has none."""
    path = calibration_path(version_dir)
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        modes = document["modes"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as e:
        raise CalibrationError(f"{path}: unreadable ({e!r}); refit it with bench/p4.py --write-calibration") from e
    return {str(mode): Calibration.from_dict(data) for mode, data in modes.items()}
