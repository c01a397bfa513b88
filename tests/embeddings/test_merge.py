import numpy as np
import pytest

from answerbot.embeddings.merge import merge_tables
from answerbot.embeddings.table import EmbeddingTable, TableError


def tables() -> list[EmbeddingTable]:
    # "de" and "no" collide between German and Spanish; "la" only in Spanish and French.
    de = EmbeddingTable(["der", "de", "no"], np.array([[1, 0], [2, 0], [3, 0]], np.float32), "de")
    es = EmbeddingTable(["el", "de", "no", "la"], np.array([[0, 1], [0, 2], [0, 3], [0, 4]], np.float32), "es")
    fr = EmbeddingTable(["le", "la"], np.array([[5, 5], [6, 6]], np.float32), "fr")
    return [de, es, fr]


def test_priority_keeps_the_first_language_vector():
    merged = merge_tables(tables(), "priority")
    assert merged.words == ["der", "de", "no", "el", "la", "le"]
    assert np.array_equal(merged.vector("de"), [2, 0])
    assert np.array_equal(merged.vector("no"), [3, 0])
    assert np.array_equal(merged.vector("la"), [0, 4])
    assert np.array_equal(merged.vector("le"), [5, 5])


def test_priority_counts_collisions_and_losses_per_language():
    counts = merge_tables(tables(), "priority").meta["counts"]
    assert counts["words"] == 6
    assert counts["colliding_words"] == 3
    assert counts["collisions_per_language"] == {"de": 2, "es": 3, "fr": 1}
    assert counts["lost"] == {"de": 0, "es": 2, "fr": 1}


def test_mean_averages_colliding_vectors():
    merged = merge_tables(tables(), "mean")
    assert np.allclose(merged.vector("de"), [1, 1])
    assert np.allclose(merged.vector("la"), [3, 5])
    assert np.allclose(merged.vector("der"), [1, 0])
    assert merged.meta["counts"]["lost"] == {"de": 0, "es": 0, "fr": 0}


def test_manifest_names_strategy_version_and_inputs():
    merged = merge_tables(tables(), "priority")
    assert merged.meta["strategy"] == "priority@1"
    assert [i["lang"] for i in merged.meta["inputs"]] == ["de", "es", "fr"]
    assert all(len(i["sha256"]) == 64 for i in merged.meta["inputs"])


def test_dimension_mismatch_is_refused():
    odd = EmbeddingTable(["x"], np.zeros((1, 3), np.float32), "it")
    with pytest.raises(TableError, match="dimension mismatch"):
        merge_tables([*tables(), odd])


def test_unknown_strategy_lists_the_choices():
    with pytest.raises(ValueError, match="mean@1, priority@1"):
        merge_tables(tables(), "median")
