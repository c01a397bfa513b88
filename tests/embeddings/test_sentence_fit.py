import numpy as np
import pytest

from answerbot.embeddings.sentence_fit import FitConfig, fit_to_sentences
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.teacher.base import unit_rows


def _setup(seed: int = 0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(30)]
    truth = unit_rows(rng.standard_normal((30, 16)))
    start = unit_rows(truth + 1.5 * rng.standard_normal((30, 16)))  # a noisy start
    sentences = [list(rng.choice(25, 4, replace=False)) for _ in range(400)]  # w25..w29 never used
    texts = [" ".join(words[i] for i in s) for s in sentences]
    targets = unit_rows(np.stack([truth[s].mean(axis=0) for s in sentences]))
    return EmbeddingTable(words, start.astype(np.float32), "xx"), texts, targets


def _mean_cosine(table: EmbeddingTable, texts: list[str], targets: np.ndarray) -> float:
    means = np.stack([np.asarray(table.vectors)[[table.index(w) for w in t.split()]].mean(axis=0) for t in texts])
    return float(np.mean(np.sum(unit_rows(means) * targets, axis=1)))


def test_fitting_brings_sentence_means_to_the_targets_and_leaves_unused_words_alone():
    table, texts, targets = _setup()
    before = _mean_cosine(table, texts, targets)
    losses = []
    fitted = fit_to_sentences(table, texts, targets, FitConfig(epochs=30, learning_rate=0.02, batch_size=64),
                              progress=lambda _epoch, loss: losses.append(loss))  # fmt: skip
    after = _mean_cosine(fitted, texts, targets)
    assert before < 0.8 and after > 0.97
    assert losses[-1] < losses[0]
    np.testing.assert_array_equal(np.asarray(fitted.vectors)[25:], np.asarray(table.vectors)[25:])
    assert fitted.meta["sentence_fit"]["texts"] == len(texts)


def test_targets_of_another_dimension_are_refused():
    table, texts, targets = _setup()
    with pytest.raises(TableError, match="does not match 400 texts x table dim 16"):
        fit_to_sentences(table, texts, targets[:, :8])
