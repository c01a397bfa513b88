"""Calibration of top scores: a planted score distribution's probabilities are recovered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from answerbot.calibration import (
    CalibrationError,
    expected_calibration_error,
    fit_calibration,
    load_calibrations,
    precision_curve,
    save_calibrations,
)


def planted(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Top scores uniform on [0, 1]; the top article is right with probability equal to the score."""
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0.0, 1.0, n)
    return scores, (rng.uniform(0.0, 1.0, n) < scores).astype(float)


def test_planted_probabilities_are_recovered() -> None:
    calibration = fit_calibration(*planted(20_000, 1))
    got = calibration.confidence(np.array([0.1, 0.3, 0.5, 0.7, 0.9]))
    assert np.allclose(got, [0.1, 0.3, 0.5, 0.7, 0.9], atol=0.05)


def test_held_out_ece_is_small_and_an_uncalibrated_map_is_not() -> None:
    calibration = fit_calibration(*planted(20_000, 1))
    scores, correct = planted(20_000, 2)
    assert expected_calibration_error(calibration.confidence(scores), correct) < 0.02
    assert expected_calibration_error(np.sqrt(scores), correct) > 0.1


def test_target_precision_picks_the_lowest_threshold_reaching_it() -> None:
    # precision of the answers scoring at least t is (1 + t) / 2, so 0.8 needs t = 0.6
    calibration = fit_calibration(*planted(20_000, 1))
    threshold = calibration.threshold_for(0.8)
    assert threshold is not None and threshold == pytest.approx(0.6, abs=0.03)


def test_an_unreachable_target_has_no_threshold() -> None:
    calibration = fit_calibration(np.array([0.1, 0.2, 0.3, 0.4]), np.array([1.0, 1.0, 0.0, 0.0]))
    assert calibration.precision == (0.0, 0.0, round(1 / 3, 6), 0.5)
    assert calibration.threshold_for(0.9) is None


def test_bad_target_names_the_value() -> None:
    calibration = fit_calibration(*planted(100, 1))
    with pytest.raises(CalibrationError, match=r"target=1\.5"):
        calibration.threshold_for(1.5)


def test_precision_curve_groups_ties() -> None:
    thresholds, precision, coverage = precision_curve(np.array([0.9, 0.5, 0.5, 0.1]), np.array([1, 1, 0, 0]))
    assert thresholds.tolist() == [0.9, 0.5, 0.1]
    assert precision.tolist() == [1.0, 2 / 3, 0.5]
    assert coverage.tolist() == [0.25, 0.75, 1.0]


def test_saved_calibrations_load_the_same(tmp_path: Path) -> None:
    calibration = fit_calibration(*planted(1_000, 3), info={"method": "dense"})
    save_calibrations(tmp_path, {"dense": calibration})
    loaded = load_calibrations(tmp_path)["dense"]
    assert loaded == calibration
    assert load_calibrations(tmp_path / "none") == {}
