from __future__ import annotations

import numpy as np
import pytest

from answerbot.index import VectorCache, top_k


def brute_force(query: np.ndarray, matrix: np.ndarray, k: int) -> list[int]:
    scores = matrix @ query
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]


def unit_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    m = rng.standard_normal((n, d)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


@pytest.mark.parametrize("k", [1, 3, 10, 50])
def test_top_k_matches_brute_force(k: int) -> None:
    rng = np.random.default_rng(7)
    matrix = unit_rows(rng, 40, 8)
    query = unit_rows(rng, 1, 8)[0]
    indices, scores = top_k(query, matrix, k)
    assert indices.tolist() == brute_force(query, matrix, k)
    np.testing.assert_array_equal(scores, (matrix @ query)[indices])


def test_top_k_breaks_ties_by_index() -> None:
    rng = np.random.default_rng(1)
    base = unit_rows(rng, 3, 4)
    # rows 0, 2, 5 and 7 share the best vector; k=3 must keep the three lowest of them
    matrix = np.stack([base[0], base[1], base[0], base[2], base[2], base[0], base[1], base[0]])
    query = base[0]
    indices, _ = top_k(query, matrix, 3)
    assert indices.tolist() == [0, 2, 5]
    assert indices.tolist() == brute_force(query, matrix, 3)


def test_top_k_ties_at_the_boundary_keep_lowest_indices() -> None:
    matrix = np.ones((9, 2), dtype=np.float32) / np.sqrt(2)
    query = np.array([1.0, 0.0], dtype=np.float32)
    indices, _ = top_k(query, matrix, 4)
    assert indices.tolist() == [0, 1, 2, 3]


def test_top_k_returns_all_rows_when_k_exceeds_n() -> None:
    rng = np.random.default_rng(3)
    matrix = unit_rows(rng, 4, 5)
    query = unit_rows(rng, 1, 5)[0]
    indices, scores = top_k(query, matrix, 10)
    assert indices.tolist() == brute_force(query, matrix, 10)
    assert len(scores) == 4


def test_top_k_rejects_dimension_mismatch() -> None:
    with pytest.raises(ValueError, match="does not match"):
        top_k(np.zeros(3, dtype=np.float32), np.zeros((2, 4), dtype=np.float32), 1)


def test_top_k_rejects_k_below_one() -> None:
    with pytest.raises(ValueError, match="k=0"):
        top_k(np.zeros(2, dtype=np.float32), np.zeros((2, 2), dtype=np.float32), 0)


def test_cache_loads_once_per_account_and_version() -> None:
    cache = VectorCache()
    loads: list[str] = []

    def loader(tag: str):
        def load():
            loads.append(tag)
            return [tag], np.zeros((1, 2), dtype=np.float32)

        return load

    cache.get("a", "1", loader("a1"))
    cache.get("a", "1", loader("a1-again"))
    cache.get("a", "2", loader("a2"))
    assert loads == ["a1", "a2"]


def test_cache_invalidate_drops_only_that_account() -> None:
    cache = VectorCache()
    zeros = np.zeros((1, 2), dtype=np.float32)
    cache.get("a", "1", lambda: (["x"], zeros.copy()))
    cache.get("b", "1", lambda: (["y"], zeros.copy()))
    cache.invalidate("a")
    ids, _ = cache.get("a", "1", lambda: (["fresh"], zeros.copy()))
    ids_b, _ = cache.get("b", "1", lambda: (["not-used"], zeros.copy()))
    assert (ids, ids_b) == (["fresh"], ["y"])


def test_cache_does_not_keep_a_load_that_raced_with_invalidate() -> None:
    cache = VectorCache()
    zeros = np.zeros((1, 2), dtype=np.float32)

    def stale_load():
        cache.invalidate("a")  # a write lands while this load is running
        return ["old"], zeros.copy()

    cache.get("a", "1", stale_load)
    ids, _ = cache.get("a", "1", lambda: (["new"], zeros.copy()))
    assert ids == ["new"]
