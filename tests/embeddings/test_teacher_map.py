import numpy as np
import pytest

from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.embeddings.teacher_map import fit_ridge, map_to_teacher
from answerbot.teacher.targets import DistillSet
from tests.teacher.planted import PlantedTeacher


def _planted(words: int = 60, dim: int = 8, teacher_dim: int = 12, seed: int = 0):
    """A table X and teacher vectors Y = X @ M with unit rows (Y in M's row space, X = Y @ pinv(M))."""
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((dim, teacher_dim))
    y = rng.standard_normal((words, dim)) @ m
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    x = y @ np.linalg.pinv(m)
    names = [f"w{i}" for i in range(words)]
    return EmbeddingTable(names, x.astype(np.float32), "de"), m.astype(np.float32), y.astype(np.float32)


def test_ridge_recovers_a_planted_linear_map():
    table, m, y = _planted()
    np.testing.assert_allclose(fit_ridge(np.asarray(table.vectors), y, l2=1e-9), m, atol=1e-3)


def test_a_covered_language_is_mapped_word_by_word_onto_the_teacher():
    table, _, y = _planted()
    teacher = PlantedTeacher(dim=12, languages=["de"], vectors=dict(zip(table.words, y, strict=True)))
    mapped, mapping = map_to_teacher(table, teacher, l2=1e-9)
    assert mapping.fitted_on == "words" and mapping.examples == len(table)
    np.testing.assert_allclose(np.asarray(mapped.vectors), y, atol=1e-3)
    assert mapped.dim == 12 and mapped.meta["alignment"]["kind"] == "teacher"


def test_an_uncovered_language_needs_parallel_text_and_is_fitted_on_sentences():
    table, _, y = _planted()
    teacher = PlantedTeacher(dim=12, languages=["en"])
    with pytest.raises(TableError, match="does not cover this language; give parallel"):
        map_to_teacher(table, teacher)
    rng = np.random.default_rng(1)
    sentences = [[int(i) for i in rng.choice(len(table), 3, replace=False)] for _ in range(200)]
    texts = [" ".join(table.words[i] for i in s) for s in sentences]
    targets = np.stack([y[s].mean(axis=0) for s in sentences])  # the mean of the planted vectors
    mapped, mapping = map_to_teacher(table, teacher, DistillSet(texts, targets), l2=1e-9)
    assert mapping.fitted_on == "parallel sentences" and mapping.examples == 200
    np.testing.assert_allclose(np.asarray(mapped.vectors), y, atol=1e-3)
