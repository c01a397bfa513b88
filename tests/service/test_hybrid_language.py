"""Hybrid fusion lifts only articles in the enquiry's language (and articles without a locale)."""

from __future__ import annotations

import numpy as np

from answerbot.index import AccountIndex
from answerbot.service.hybrid import fuse, lexical_mask


def _index(locales: list[str | None]) -> AccountIndex:
    n = len(locales)
    return AccountIndex(
        ids=[f"a{i}" for i in range(n)],
        matrix=np.eye(n, dtype=np.float32),
        titles=["t"] * n,
        snippets=["s"] * n,
        texts=["password reset"] * n,
        labels=[()] * n,
        locales=locales,
    )


def test_mask_keeps_the_enquiry_language_and_unknown_locales():
    index = _index(["de", "en-GB", None, "en"])
    assert lexical_mask(index, "en").tolist() == [False, True, True, True]
    assert lexical_mask(index, "und").tolist() == [True, True, True, True]


def test_an_article_of_another_language_keeps_its_cosine():
    dense = np.array([0.6, 0.5], dtype=np.float32)
    lexical = np.array([0.0, 8.0], dtype=np.float32)  # only the other-language article shares a word
    lifted = fuse(dense, lexical, 0.7)
    gated = fuse(dense, lexical, 0.7, comparable=np.array([True, False]))
    assert lifted[1] > lifted[0]  # without the gate the shared word wins
    np.testing.assert_allclose(gated, dense)


def test_same_language_articles_are_lifted_relative_to_their_own_best():
    dense = np.array([0.2, 0.2, 0.9], dtype=np.float32)
    lexical = np.array([4.0, 2.0, 100.0], dtype=np.float32)
    gated = fuse(dense, lexical, 0.5, comparable=np.array([True, True, False]))
    np.testing.assert_allclose(gated, [0.6, 0.35, 0.9], atol=1e-6)
