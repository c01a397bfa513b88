import numpy as np
import pytest

from answerbot.embeddings.add_language import add_language
from answerbot.embeddings.merge import merge_tables
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.model.extend import extend_vocabulary
from answerbot.model.training import TrainConfig, train_dual_encoder
from tests.tiny_model import TINY_PAIRS, tiny_table


@pytest.fixture(scope="module")
def core(tmp_path_factory):
    merged = merge_tables([tiny_table()], "priority")
    config = TrainConfig(hidden=8, output_dim=8, epochs=3, batch_size=10, learning_rate=0.03)
    return merged, train_dual_encoder(TINY_PAIRS, merged, tmp_path_factory.mktemp("core"), config)


def new_language() -> EmbeddingTable:
    rng = np.random.default_rng(5)
    return EmbeddingTable(["şifre", "sipariş", "password"], rng.standard_normal((3, 8)).astype(np.float32), "tr")


def test_old_texts_keep_their_vectors_and_new_words_stop_being_unknown(core, tmp_path):
    merged, model = core
    grown = extend_vocabulary(model, add_language(merged, new_language()), tmp_path)
    old_texts = ["forgot password", "where is my order", ""]
    assert np.array_equal(grown.encode(old_texts), model.encode(old_texts))
    assert grown.encoder.vocab_size == model.encoder.vocab_size + 2  # "password" collides and keeps its row
    assert not np.allclose(grown.encode(["şifre"]), model.encode(["şifre"]))
    assert np.allclose(model.encode(["şifre"]), model.encode(["sipariş"]))  # both unknown to the core


def test_a_table_that_reorders_the_vocabulary_is_refused(core, tmp_path):
    merged, model = core
    shuffled = EmbeddingTable(merged.words[::-1], merged.vectors[::-1].copy(), None, merged.meta)
    with pytest.raises(TableError, match="not the model's vocabulary in order"):
        extend_vocabulary(model, shuffled, tmp_path)
