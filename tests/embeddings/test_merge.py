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
    with pytest.raises(ValueError, match="mean@1, priority@1, route@1, tagged@1, weighted@1"):
        merge_tables(tables(), "median")


def test_weighted_uses_relative_corpus_frequency():
    de, es, fr = tables()
    de.counts = np.array([50, 30, 20])  # "de": 30/100 of German
    es.counts = np.array([10, 10, 60, 20])  # "de": 10/100 of Spanish
    fr.counts = np.array([1, 1])
    merged = merge_tables([de, es, fr], "weighted")
    assert np.allclose(merged.vector("de"), (0.3 * np.array([2, 0]) + 0.1 * np.array([0, 2])) / 0.4)
    assert np.allclose(merged.vector("no"), (0.2 * np.array([3, 0]) + 0.6 * np.array([0, 3])) / 0.8)
    assert np.allclose(merged.vector("le"), [5, 5])
    assert merged.meta["parameters"]["source"] == {"de": "counts", "es": "counts", "fr": "counts"}


def test_weighted_without_counts_falls_back_to_zipf_rank():
    merged = merge_tables(tables(), "weighted")
    # de: rank 2 of 3 in German, rank 2 of 4 in Spanish -> weights (1/2)/H3 and (1/2)/H4
    h3, h4 = 1 + 1 / 2 + 1 / 3, 1 + 1 / 2 + 1 / 3 + 1 / 4
    w_de, w_es = 0.5 / h3, 0.5 / h4
    assert np.allclose(merged.vector("de"), (w_de * np.array([2, 0]) + w_es * np.array([0, 2])) / (w_de + w_es))
    assert merged.meta["parameters"]["source"]["de"] == "zipf-rank"


def test_tagged_keeps_each_colliding_vector_under_a_language_key():
    merged = merge_tables(tables(), "tagged")
    assert merged.words == ["der", "el", "le", "de:de", "de:no", "es:de", "es:no", "es:la", "fr:la"]
    assert np.array_equal(merged.vector("de:de"), [2, 0])
    assert np.array_equal(merged.vector("es:de"), [0, 2])
    assert np.array_equal(merged.vector("fr:la"), [6, 6])
    assert np.array_equal(merged.vector("le"), [5, 5])
    counts = merged.meta["counts"]
    assert counts["tagged"] == {"de": 2, "es": 3, "fr": 1}
    assert counts["lost"] == {"de": 0, "es": 0, "fr": 0}


def test_route_keeps_every_table_apart():
    merged = merge_tables(tables(), "route")
    assert len(merged) == 3 + 4 + 2
    assert merged.words[:3] == ["de:der", "de:de", "de:no"]
    assert np.array_equal(merged.vector("es:el"), [0, 1])
    assert np.array_equal(merged.vector("fr:le"), [5, 5])
    assert merged.meta["strategy"] == "route@1"


def test_lookup_rows_follows_the_strategy():
    from answerbot.embeddings.merge import lookup_rows

    tagged = merge_tables(tables(), "tagged")
    rows = lookup_rows(tagged, "es", ["de", "el", "le", "zzz"])
    assert [tagged.words[r] if r is not None else None for r in rows] == ["es:de", "el", "le", None]
    route = merge_tables(tables(), "route")
    assert lookup_rows(route, "fr", ["le", "el"]) == [route.index("fr:le"), None]
    priority = merge_tables(tables(), "priority")
    assert lookup_rows(priority, "es", ["de"]) == [priority.index("de")]


def test_every_strategy_is_registered_with_a_version():
    from answerbot.embeddings.merge import strategy_names

    assert strategy_names() == ["mean@1", "priority@1", "route@1", "tagged@1", "weighted@1"]


def test_merge_of_float16_tables_stays_float16_and_memory_mapped_inputs_work(tmp_path):
    folders = [t.astype("float16").save(tmp_path / (t.lang or "x")) for t in tables()]
    loaded = [EmbeddingTable.load(f, mmap=True) for f in folders]
    merged = merge_tables(loaded, "mean")
    assert merged.vectors.dtype == np.float16
    assert np.allclose(merged.vector("la"), [3, 5])
