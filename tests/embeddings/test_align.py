import numpy as np
import pytest

from answerbot.embeddings.align import (
    align_table,
    dictionary_seeds,
    identical_seeds,
    parallel_seeds,
    procrustes,
    read_dictionary,
)
from answerbot.embeddings.table import EmbeddingTable, TableError


def random_rotation(dim: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    return (q * np.sign(np.diag(r))).astype(np.float32)


def pivot_table(n: int = 10, dim: int = 6) -> EmbeddingTable:
    vectors = np.random.default_rng(1).normal(size=(n, dim)).astype(np.float32)
    return EmbeddingTable([f"w{i}" for i in range(n)], vectors, "en")


def test_procrustes_recovers_a_known_rotation():
    pivot = pivot_table()
    rotation = random_rotation(6, 2)
    rotated = EmbeddingTable(list(pivot.words), pivot.vectors @ rotation.T, "xx")  # pivot = rotated @ R
    aligned, alignment = align_table(rotated, pivot, identical_seeds(rotated, pivot), "identical")
    assert np.abs(alignment.rotation - rotation).max() < 1e-4
    assert np.abs(aligned.vectors - pivot.vectors).max() < 1e-4
    assert aligned.meta["alignment"]["pivot"] == "en"


def test_procrustes_result_is_orthogonal_even_on_noisy_pairs():
    rng = np.random.default_rng(3)
    w = procrustes(rng.normal(size=(20, 5)), rng.normal(size=(20, 5)))
    assert np.allclose(w @ w.T, np.eye(5), atol=1e-5)


def test_refinement_keeps_an_exact_rotation_and_records_rounds():
    pivot = pivot_table(n=10)
    rotation = random_rotation(6, 4)
    rotated = EmbeddingTable(list(pivot.words), pivot.vectors @ rotation.T, "xx")
    seeds = identical_seeds(rotated, pivot)[:8]  # 8 seeds in 6 dims determine the rotation
    _, alignment = align_table(rotated, pivot, seeds, "identical", refine=2)
    assert np.abs(alignment.rotation - rotation).max() < 1e-4
    assert [h["round"] for h in alignment.history] == [0, 1, 2]
    assert alignment.history[1]["mutual_nn"] == 10


def test_dictionary_seeds_map_different_spellings(tmp_path):
    pivot = pivot_table()
    rotation = random_rotation(6, 5)
    source = EmbeddingTable([f"x{i}" for i in range(10)], pivot.vectors @ rotation.T, "xx")
    path = tmp_path / "dict.txt"
    path.write_text("# src tgt\n" + "".join(f"X{i}\tw{i}\n" for i in range(10)) + "nope w1\n", encoding="utf-8")
    seeds = dictionary_seeds(path, source, pivot)
    assert len(seeds) == 10 and seeds[0] == ("x0", "w0")
    _, alignment = align_table(source, pivot, seeds, "dictionary")
    assert np.abs(alignment.rotation - rotation).max() < 1e-4


def test_dictionary_errors_name_file_and_line(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("a b\nc d e\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"dict\.txt:2: expected two columns"):
        read_dictionary(path)


def test_parallel_seeds_pair_co_occurring_words():
    source = EmbeddingTable(["hund", "katze", "der"], np.eye(3, dtype=np.float32), "de")
    pivot = EmbeddingTable(["dog", "cat", "the"], np.eye(3, dtype=np.float32), "en")
    pairs = [("der Hund", "the dog"), ("der Katze", "the cat"), ("Hund", "dog"), ("Katze!", "cat")] * 2
    seeds = parallel_seeds(pairs, source, pivot, min_count=2)
    assert sorted(seeds) == [("der", "the"), ("hund", "dog"), ("katze", "cat")]


def test_too_few_seeds_is_a_clear_error():
    pivot = pivot_table()
    other = EmbeddingTable(["zz"], np.ones((1, 6), np.float32), "xx")
    with pytest.raises(TableError, match="only 0 usable seed pairs"):
        align_table(other, pivot, identical_seeds(other, pivot), "identical")
