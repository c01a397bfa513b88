import numpy as np
import pytest

from answerbot.embeddings.add_language import add_language
from answerbot.embeddings.merge import merge_tables
from answerbot.embeddings.table import EmbeddingTable, TableError


def core() -> list[EmbeddingTable]:
    de = EmbeddingTable(["der", "de"], np.array([[1, 0], [2, 0]], np.float32), "de")
    es = EmbeddingTable(["el", "de"], np.array([[0, 1], [0, 2]], np.float32), "es")
    return [de, es]


def italian() -> EmbeddingTable:
    return EmbeddingTable(["il", "de", "el"], np.array([[7, 7], [8, 8], [9, 9]], np.float32), "it")


@pytest.mark.parametrize("strategy", ["priority", "mean", "weighted"])
def test_shared_strategies_append_new_words_and_keep_existing_rows(strategy):
    merged = merge_tables(core(), strategy)
    grown = add_language(merged, italian())
    assert grown.words == [*merged.words, "il"]
    assert np.array_equal(grown.vectors[: len(merged)], merged.vectors)
    assert np.array_equal(grown.vector("il"), [7, 7])
    assert grown.meta["counts"]["lost"]["it"] == 2
    assert grown.meta["languages"] == ["de", "es", "it"]
    assert grown.meta["added"][0]["appended"] == 1


def test_tagged_adds_colliding_words_under_the_new_language_key():
    merged = merge_tables(core(), "tagged")
    grown = add_language(merged, italian())
    assert grown.words[len(merged) :] == ["il", "it:de", "it:el"]
    assert np.array_equal(grown.vector("it:el"), [9, 9])
    assert np.array_equal(grown.vector("el"), [0, 1])
    assert grown.meta["counts"]["lost"]["it"] == 0


def test_route_adds_every_word_under_the_language_key():
    merged = merge_tables(core(), "route")
    grown = add_language(merged, italian())
    assert grown.words[len(merged) :] == ["it:il", "it:de", "it:el"]


def test_a_language_already_merged_is_refused():
    merged = merge_tables(core(), "mean")
    with pytest.raises(TableError, match="already in the merged table"):
        add_language(merged, core()[0])
