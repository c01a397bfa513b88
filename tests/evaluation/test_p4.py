"""P4: unanswerable queries, precision over coverage, the 90 % threshold."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from answerbot.evaluation.calibrated import calibration_report, fit_p4_calibrations
from answerbot.evaluation.p4 import TopOutcomes, evaluate_p4, p4_figures, p4_outcomes, removed_ids, top_outcomes
from tests.evaluation.fixtures import keyword_encode, write_support_kb


def test_removed_half_is_seeded_and_order_free() -> None:
    ids = [f"a{i}" for i in range(10)]
    assert removed_ids(ids, 3) == removed_ids(list(reversed(ids)), 3)
    assert len(removed_ids(ids, 3)) == 5


def test_top_outcomes_count_unanswerable_offers_wrong() -> None:
    matrix = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.7], [0.6, 0.3]], dtype=np.float32)
    got = top_outcomes(matrix, [0, 0, 1, -1])
    assert got.correct.tolist() == [1.0, 0.0, 0.5, 0.0]
    assert got.answerable.tolist() == [True, True, True, False]


def test_figures_of_a_hand_made_ranking() -> None:
    outcomes = TopOutcomes(
        np.array([0.9, 0.8, 0.7, 0.6]), np.array([1.0, 1.0, 0.0, 1.0]), np.array([True, True, False, True])
    )
    figures = p4_figures(outcomes)
    # precision 1, 1, 2/3, 3/4 at coverage 1/4 .. 1
    assert figures["area"] == (1 + 1 + 2 / 3 + 3 / 4) / 4
    assert figures["threshold@90%"] == 0.8
    assert figures["coverage@90%"] == 0.5


def test_p4_on_the_tiny_kb(tmp_path: Path) -> None:
    data = write_support_kb(tmp_path)
    result = evaluate_p4(data, keyword_encode, ["de"], seed=0)
    figures = result["languages"]["de"]["methods"]
    assert set(figures) == {"dense", "bm25", "hybrid"}
    assert figures["dense"]["answerable_share"] == 0.5
    assert result["languages"]["de"]["queries"] == 4
    assert 0.0 <= result["mean"]["dense"]["area"] <= 0.5 + 0.5 * np.log(2)  # the best ordering's area


def test_calibration_fitted_on_train_is_judged_on_test(tmp_path: Path) -> None:
    data = write_support_kb(tmp_path)
    train = p4_outcomes(data, keyword_encode, ["de"], "test", seed=0)  # the tiny KB: one train article only
    calibrations = fit_p4_calibrations(train)
    report = calibration_report(calibrations, train, targets=(0.9,))
    assert set(report) == {"dense", "hybrid"}
    assert 0.0 <= report["dense"]["ece"] <= 1.0
