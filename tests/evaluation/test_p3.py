import numpy as np
import pytest

from answerbot.embeddings.merge import merge_tables
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.evaluation.p3 import load_tatoeba, mean_vectors, p3_accuracy, p3_language


def write_tatoeba(folder, xx: list[str], eng: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "tatoeba.deu-eng.deu").write_text("\n".join(xx) + "\n", encoding="utf-8")
    (folder / "tatoeba.deu-eng.eng").write_text("\n".join(eng) + "\n", encoding="utf-8")


def test_accuracy_counts_ties_at_expected_value():
    queries = np.array([[1, 0], [0, 1], [0, 0]], np.float32)
    targets = np.array([[1, 0], [0, 1], [0, 1]], np.float32)
    # query 0 right; query 1 ties with target 2 -> 1/2; query 2 (no vector) ties with all -> 1/3
    assert p3_accuracy(queries, targets) == pytest.approx((1 + 0.5 + 1 / 3) / 3)


def test_mean_vectors_ignores_unknown_words():
    table = EmbeddingTable(["a", "b"], np.array([[1, 0], [0, 2]], np.float32), "en")
    out = mean_vectors(table, "en", ["A b zzz", "zzz", ""])
    assert np.allclose(out, [[0.5, 1], [0, 0], [0, 0]])


def test_p3_on_a_tiny_tatoeba_with_route_and_aligned_tables(tmp_path):
    write_tatoeba(tmp_path, ["Hund", "Katze"], ["dog", "cat"])
    de = EmbeddingTable(["hund", "katze"], np.array([[1, 0], [0, 1]], np.float32), "de")
    en = EmbeddingTable(["dog", "cat"], np.array([[1, 0.1], [0.1, 1]], np.float32), "en")
    assert p3_language({"de": de, "en": en}, "de", tmp_path) == 1.0
    assert p3_language(merge_tables([en, de], "route"), "de", tmp_path) == 1.0
    swapped = EmbeddingTable(["hund", "katze"], np.array([[0, 1], [1, 0]], np.float32), "de")
    assert p3_language(merge_tables([en, swapped], "mean"), "de", tmp_path) == 0.0


def test_misaligned_tatoeba_files_are_refused(tmp_path):
    write_tatoeba(tmp_path, ["a", "b"], ["a"])
    with pytest.raises(TableError, match="line-aligned"):
        load_tatoeba(tmp_path, "de")
