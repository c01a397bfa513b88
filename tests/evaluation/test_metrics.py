import numpy as np
import pytest

from answerbot.evaluation.metrics import expected_rank, hit_at_k, mean_reciprocal_rank, reciprocal_rank


def test_clear_winner_has_rank_one():
    scores = np.array([0.9, 0.1, 0.5])
    assert expected_rank(scores, 0) == 1.0
    assert reciprocal_rank(scores, 2) == 0.5


def test_ties_count_at_expected_rank_not_best_case():
    scores = np.array([0.5, 0.5, 0.5, 0.1])
    assert expected_rank(scores, 1) == 2.0
    assert reciprocal_rank(scores, 1) == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)


def test_reciprocal_rank_is_zero_beyond_cutoff():
    scores = np.array([0.9, 0.8, 0.7])
    assert reciprocal_rank(scores, 2, k=2) == 0.0
    assert reciprocal_rank(scores, 1, k=2) == 0.5


def test_hit_at_k_with_ties_is_a_probability():
    scores = np.array([0.9, 0.5, 0.5, 0.5])
    assert hit_at_k(scores, 2, 1) == 0.0
    assert hit_at_k(scores, 2, 2) == pytest.approx(1 / 3)
    assert hit_at_k(scores, 2, 4) == 1.0


def test_mean_reciprocal_rank_averages():
    rows = [np.array([1.0, 0.0]), np.array([0.0, 1.0])]
    assert mean_reciprocal_rank(rows, [0, 0]) == pytest.approx(0.75)
