import numpy as np
import pytest

from answerbot.evaluation.metrics import (
    average_precision,
    expected_rank,
    hit_at_k,
    mean_reciprocal_rank,
    recall_at_k,
    reciprocal_rank,
)


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


def test_average_precision_without_ties():
    # relevant at ranks 1 and 3: (1/1 + 2/3) / 2
    assert average_precision(np.array([0.9, 0.5, 0.4, 0.1]), [0, 2]) == pytest.approx(5 / 6)


def test_average_precision_with_ties_is_the_mean_over_tie_orders():
    # scores [0.9, 0.5, 0.5, 0.1], relevant {1, 3}. The tie (items 1, 2) has two orders:
    #   item 1 at rank 2: AP = (1/2 + 2/4) / 2 = 1/2;   item 1 at rank 3: AP = (1/3 + 2/4) / 2 = 5/12.
    # Expected AP = (1/2 + 5/12) / 2 = 11/24 (the best case would be 1/2).
    scores = np.array([0.9, 0.5, 0.5, 0.1])
    assert average_precision(scores, [1, 3]) == pytest.approx(11 / 24)
    assert average_precision(scores, np.array([False, True, False, True])) == pytest.approx(11 / 24)


def test_average_precision_two_relevant_in_a_four_way_tie():
    # Relevant positions among 4 tied slots: {1,2} 1, {1,3} 5/6, {1,4} 3/4, {2,3} 7/12, {2,4} 1/2, {3,4} 5/12.
    assert average_precision(np.array([0.5, 0.5, 0.5, 0.5, 0.1]), [0, 1]) == pytest.approx(49 / 72)


def test_average_precision_with_one_relevant_is_reciprocal_rank():
    scores = np.array([0.3, 0.7, 0.7, 0.7, 0.2])
    assert average_precision(scores, [2]) == pytest.approx(reciprocal_rank(scores, 2))


def test_average_precision_needs_a_relevant_item():
    with pytest.raises(ValueError, match="relevant: empty"):
        average_precision(np.array([0.1, 0.2]), [])


def test_recall_at_k_with_ties_is_an_expected_share():
    # item 1 ties with item 2 for the second slot: found with probability 1/2; item 3 is never in the top 2.
    scores = np.array([0.9, 0.5, 0.5, 0.1])
    assert recall_at_k(scores, [1, 3], 2) == pytest.approx((1 / 2 + 0) / 2)
    assert recall_at_k(scores, [0, 3], 4) == 1.0
