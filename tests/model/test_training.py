import math

import numpy as np
import pytest
import tensorflow as tf

from answerbot.model.losses import in_batch_loss
from answerbot.model.training import TrainConfig
from tests.tiny_model import TINY_DOCS, TINY_PAIRS, train_tiny_model


def test_in_batch_loss_matches_hand_computation():
    q = tf.constant([[1.0, 0.0], [0.0, 1.0]])
    d = tf.constant([[1.0, 0.0], [0.0, 1.0]])
    loss = float(in_batch_loss(q, d, tf.constant([0, 1], tf.int64), temperature=1.0))
    expected = -math.log(math.e / (math.e + 1.0))  # each row: logit 1 for itself, 0 for the other
    assert loss == pytest.approx(expected, rel=1e-6)


def test_in_batch_loss_masks_a_duplicate_of_the_own_document():
    q = tf.constant([[1.0, 0.0], [1.0, 0.0]])
    d = tf.constant([[1.0, 0.0], [1.0, 0.0]])
    same_doc = float(in_batch_loss(q, d, tf.constant([7, 7], tf.int64), temperature=1.0))
    assert same_doc == pytest.approx(0.0, abs=1e-6)  # the twin is not a negative


def test_config_rejects_a_batch_without_negatives():
    with pytest.raises(ValueError, match="batch_size=1"):
        TrainConfig(batch_size=1)


def test_tiny_run_fits_ten_pairs_to_mrr_one(tmp_path):
    model = train_tiny_model(tmp_path)
    keys = list(TINY_DOCS)
    docs = model.encode([TINY_DOCS[k] for k in keys])
    queries = model.encode([p.query for p in TINY_PAIRS])
    ranks = [(s > s[keys.index(p.doc_key)]).sum() + 1 for s, p in zip(queries @ docs.T, TINY_PAIRS, strict=True)]
    assert np.mean([1 / r for r in ranks]) == 1.0
    assert model.history[-1]["loss"] < model.history[0]["loss"]


def test_vectors_are_unit_length(tmp_path):
    model = train_tiny_model(tmp_path, epochs=1)
    vectors = model.encode(["forgot password", "", "unknown words only"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_save_load_gives_the_same_vectors(tmp_path):
    from answerbot.model.training import TrainedModel

    model = train_tiny_model(tmp_path / "work", epochs=2)
    loaded = TrainedModel.load(model.save(tmp_path / "run"))
    texts = ["forgot password", "shipping number"]
    assert np.array_equal(loaded.encode(texts), model.encode(texts))
    assert loaded.config == model.config


def test_early_stopping_keeps_the_best_validation_epoch(tmp_path):
    from answerbot.model.training import train_dual_encoder
    from tests.tiny_model import tiny_table

    config = TrainConfig(hidden=8, output_dim=8, epochs=30, batch_size=10, learning_rate=0.03, patience=2)
    history = []
    model = train_dual_encoder(
        TINY_PAIRS, tiny_table(), tmp_path, config, validation=TINY_PAIRS, progress=history.append,
        checkpoint_dir=tmp_path / "ckpt",
    )  # fmt: skip
    epochs = [e for e in history if e["event"] == "epoch"]
    best = max(e["val_mrr"] for e in epochs)
    assert model.record["best_val_mrr"] == best
    assert len(epochs) < 30 or best == 1.0
    assert (tmp_path / "ckpt" / "best.weights.h5").is_file()
    assert any(e["event"] == "batch" for e in history)


def test_config_file_with_overrides(tmp_path):
    path = tmp_path / "train.toml"
    path.write_text("[train]\nepochs = 3\ncell = 'lstm'\npooling = 'attention'\n", encoding="utf-8")
    config = TrainConfig.from_file(path, epochs=7, hidden=None)
    assert (config.epochs, config.cell, config.pooling, config.hidden) == (7, "lstm", "attention", 128)


def test_config_file_with_an_unknown_key_names_it(tmp_path):
    path = tmp_path / "train.toml"
    path.write_text("epochz = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown keys \['epochz'\]"):
        TrainConfig.from_file(path)


@pytest.mark.parametrize("pooling", ["attention", "last", "max"])
def test_other_poolings_and_a_bidirectional_lstm_give_unit_vectors(tmp_path, pooling):
    from answerbot.model.training import train_dual_encoder
    from tests.tiny_model import tiny_table

    config = TrainConfig(hidden=4, output_dim=4, epochs=1, batch_size=10, cell="lstm", bidirectional=True,
                         pooling=pooling)  # fmt: skip
    model = train_dual_encoder(TINY_PAIRS, tiny_table(), tmp_path, config)
    vectors = model.encode(["forgot password", ""])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_hard_negative_adds_a_wrong_answer_to_the_softmax():
    q = tf.constant([[1.0, 0.0], [0.0, 1.0]])
    d = tf.constant([[1.0, 0.0], [0.0, 1.0]])
    keys = tf.constant([0, 1], tf.int64)
    near_miss = tf.constant([[1.0, 0.0], [0.0, 0.0]])  # row 0 rejected an article equal to its answer's vector
    loss = float(in_batch_loss(q, d, keys, 1.0, near_miss, tf.constant([5, -1], tf.int64)))
    row0 = -math.log(math.e / (math.e + 1.0 + math.e))  # own 1, other document 0, the negative 1
    row1 = -math.log(math.e / (math.e + 1.0 + 1.0))  # the negative scores 0 for row 1; row 1 has none
    backward = -math.log(math.e / (math.e + 1.0))
    assert loss == pytest.approx(((row0 + row1) / 2 + backward) / 2, rel=1e-6)


def test_a_negative_that_is_the_own_document_is_masked():
    q = tf.constant([[1.0, 0.0], [0.0, 1.0]])
    d = tf.constant([[1.0, 0.0], [0.0, 1.0]])
    negatives = tf.constant([[1.0, 0.0], [0.0, 0.0]])  # row 0's negative is its own document (key 0)
    loss = float(in_batch_loss(q, d, tf.constant([0, 1], tf.int64), 1.0, negatives, tf.constant([0, -1], tf.int64)))
    row0 = -math.log(math.e / (math.e + 1.0))  # masked for row 0
    row1 = -math.log(math.e / (math.e + 1.0 + 1.0))  # a wrong answer (logit 0) for row 1
    backward = -math.log(math.e / (math.e + 1.0))
    assert loss == pytest.approx(((row0 + row1) / 2 + backward) / 2, rel=1e-6)


def test_training_with_hard_negatives_records_them(tmp_path):
    from answerbot.data.records import Pair
    from answerbot.model.training import train_dual_encoder
    from tests.tiny_model import tiny_table

    pairs = [
        Pair(p.query, p.document, p.doc_key, negative=TINY_DOCS["sync"], negative_key="sync") for p in TINY_PAIRS[:4]
    ]
    config = TrainConfig(hidden=8, output_dim=8, epochs=2, batch_size=10, learning_rate=0.03, temperature=0.1)
    model = train_dual_encoder([*pairs, *TINY_PAIRS[4:]], tiny_table(), tmp_path, config)
    assert model.record["hard_negative_pairs"] == 4
    assert np.isfinite(model.history[-1]["loss"])
