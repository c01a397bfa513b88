"""Hybrid scores in the evaluation follow the service: BM25 counts only within the query's language."""

from __future__ import annotations

import numpy as np

from answerbot.evaluation.scoring import Pool
from tests.evaluation.fixtures import keyword_encode

# "alpha" is a keyword (dense sees it); "acmecloud" is not (only BM25 sees it).
CANDIDATES = ["alpha text", "acmecloud words"]


def test_bm25_does_not_lift_a_candidate_of_another_language():
    pool = Pool(CANDIDATES, ["de", "de"], keyword_encode, None, hybrid_weight=0.7)
    english = pool.scores(pool.queries(["alpha acmecloud"], ["en"]))
    german = pool.scores(pool.queries(["alpha acmecloud"], ["de"]))
    np.testing.assert_allclose(english["hybrid"], english["dense"])
    assert german["hybrid"][0, 1] > german["dense"][0, 1]  # same language: the shared word lifts


def test_a_candidate_without_a_language_is_always_comparable():
    pool = Pool(CANDIDATES, ["de", None], keyword_encode, None, hybrid_weight=0.7)
    scores = pool.scores(pool.queries(["alpha acmecloud"], ["en"]))
    assert scores["hybrid"][0, 0] == scores["dense"][0, 0]
    assert scores["hybrid"][0, 1] > scores["dense"][0, 1]
