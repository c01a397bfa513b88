"""Small parts of the service layer: HTML stripping, snippets, explanation units, score fusion, API keys, the
top-score histogram, the article preview."""

from __future__ import annotations

import numpy as np

from answerbot.markup import snippet, strip_html
from answerbot.service.accounts import hash_key, new_api_key
from answerbot.service.explain import explain, word_units
from answerbot.service.hybrid import fuse
from answerbot.service.preview import safe_html
from answerbot.service.scores import score_distribution
from answerbot.store import ScoredInteraction


def test_strip_html_keeps_text_and_drops_scripts() -> None:
    html = "<h1>Reset</h1><p>Click <b>Forgot</b> &amp; wait.</p><style>p{}</style><ul><li>one</li></ul>"
    assert strip_html(html) == "Reset\nClick Forgot & wait.\none"
    assert strip_html("Tom &amp; Jerry") == "Tom & Jerry"


def test_plain_text_is_untouched() -> None:
    assert strip_html("no tags here\nsecond line") == "no tags here\nsecond line"


def test_snippet_cuts_at_a_word() -> None:
    assert snippet("one two three", max_chars=9) == "one two…"
    assert snippet("  short \n text ") == "short text"


def test_word_units_follow_the_tokenizer() -> None:
    assert word_units("Reset my PASSWORD!") == ["reset", "my", "password"]


def test_explain_weights_are_score_drops() -> None:
    vectors = {"a b": np.array([1.0, 0.0]), "b": np.array([0.0, 1.0]), "a": np.array([1.0, 0.0])}

    def encode(texts: list[str]) -> np.ndarray:
        return np.stack([vectors[t] for t in texts]).astype(np.float32)

    article = np.array([[1.0, 0.0]], dtype=np.float32)
    (weights,) = explain("a b", vectors["a b"].astype(np.float32), article, encode)
    assert [(w.token, w.weight) for w in weights] == [("a", 1.0), ("b", 0.0)]


def test_fuse_keeps_the_cosine_scale_and_only_lifts() -> None:
    dense, lexical = np.array([0.5, 0.2], dtype=np.float32), np.array([4.0, 0.0], dtype=np.float32)
    np.testing.assert_allclose(fuse(dense, lexical, 0.25), [0.625, 0.2])  # no shared word: the cosine stays
    np.testing.assert_allclose(fuse(dense, lexical, 0.25, lift=False), [0.625, 0.15])
    np.testing.assert_allclose(fuse(np.array([0.5]), np.array([0.0]), 0.25), [0.5])
    np.testing.assert_allclose(fuse(np.array([0.5]), np.array([0.0]), 0.25, lift=False), [0.375])


def test_api_keys_are_random_and_hashed() -> None:
    a, b = new_api_key(), new_api_key()
    assert a != b and a.startswith("ab_") and len(a) > 40
    assert hash_key(a) != a and len(hash_key(a)) == 64


def test_score_histogram_bins_at_multiples_of_the_width() -> None:
    items = [
        ScoredInteraction(0.3, True, False),  # exactly on an edge: the bin it starts
        ScoredInteraction(0.319, False, True),
        ScoredInteraction(0.32, False, False),
        ScoredInteraction(-0.05, False, False),
        ScoredInteraction(None, False, False),
    ]
    dist = score_distribution(items, 0.02)
    assert (dist.interactions, dist.unscored, dist.bin_width) == (5, 1, 0.02)
    assert [(b.lower, b.interactions, b.resolved, b.rejected) for b in dist.bins] == [
        (-0.06, 1, 0, 0),
        (0.3, 2, 1, 1),
        (0.32, 1, 0, 0),
    ]
    assert score_distribution([], 0.1).bins == ()


def test_preview_keeps_formatting_and_drops_what_could_run_or_load() -> None:
    html = '<h2 style="x">Hi</h2><ul><li>a</li></ul><iframe src="//e"></iframe><form><input></form><img src="x">'
    assert safe_html(html) == "<h2>Hi</h2><ul><li>a</li></ul>"
    assert safe_html("plain <3 text") == "plain &lt;3 text"
