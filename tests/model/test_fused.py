import itertools
import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from answerbot.encoders.inprocess import SavedModelEncoder
from answerbot.model.encoder import SharedEncoder
from answerbot.model.export import export_model, read_metadata
from answerbot.model.fused import FusedEncoder, UnsupportedEncoder, pack
from answerbot.model.training import TrainConfig, TrainedModel
from answerbot.model.vocab import embedding_matrix, vocab_words, write_vocab
from tests.tiny_model import TINY_DOCS, tiny_table

VOCAB, EMBED = 40, 6
CONFIGS = list(itertools.product(("gru", "lstm"), (False, True), ("mean", "last", "max", "attention")))
TEXTS = ["forgot password", "", "Where is my ORDER?", "words the vocabulary never saw", *TINY_DOCS.values(), "sync"]


def _ids(lengths: list[int], width: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ids = np.zeros((len(lengths), width), np.int64)
    for row, length in enumerate(lengths):
        ids[row, :length] = rng.integers(1, VOCAB, length)
    return ids


# Mixed lengths with empty texts, one text, a batch of only empty texts, a padding id inside a text.
MIXED = _ids([3, 0, 9, 1, 5, 9, 2, 0], 11)
INNER_PAD = _ids([6, 4], 6, seed=1)
INNER_PAD[0, 2] = 0
BATCHES = {"mixed": MIXED, "one": MIXED[2:3], "one short": MIXED[3:4], "all empty": np.zeros((3, 1), np.int64)}
BATCHES["padding inside"] = INNER_PAD


def _tower(
    cell: str,
    bidirectional: bool,
    pooling: str,
    rnn: layers.Layer | None = None,
    seed: int = 1,
    input_dim: int | None = None,
    bag: bool = False,
):
    """A tiny seeded tower with random (non-zero) biases, so every weight matters."""
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    table = rng.standard_normal((VOCAB, EMBED)).astype(np.float32)
    encoder = SharedEncoder(
        VOCAB, EMBED, 5, 4, cell, bidirectional, pooling, embedding_matrix=table, input_dim=input_dim, bag=bag
    )
    if rnn is not None:
        encoder.rnn = rnn
    encoder(MIXED[:1])
    for weight in encoder.weights:
        if "bias" in weight.path:
            weight.assign(0.5 * rng.standard_normal(weight.shape).astype(np.float32))
    return encoder


def _worst(encoder: SharedEncoder, fused: FusedEncoder) -> dict[str, float]:
    return {
        name: float(np.abs(encoder(ids, training=False).numpy() - fused(tf.constant(ids)).numpy()).max())
        for name, ids in BATCHES.items()
    }


@pytest.mark.parametrize(("cell", "bidirectional", "pooling"), CONFIGS)
def test_fused_tower_gives_the_keras_vectors(cell, bidirectional, pooling):
    encoder = _tower(cell, bidirectional, pooling)
    fused = FusedEncoder(encoder)
    worst = _worst(encoder, fused)
    assert max(worst.values()) <= 1e-5, worst
    vectors = fused(tf.constant(MIXED)).numpy()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert fused(tf.zeros([0, 4], tf.int64)).numpy().shape == (0, 4)


@pytest.mark.parametrize(("cell", "bidirectional", "pooling"), [("gru", True, "mean"), ("lstm", False, "attention")])
@pytest.mark.parametrize(("input_dim", "bag"), [(3, False), (None, True), (3, True)])
def test_input_projection_and_bag_are_fused(cell, bidirectional, pooling, input_dim, bag):
    encoder = _tower(cell, bidirectional, pooling, input_dim=input_dim, bag=bag)
    fused = FusedEncoder(encoder)
    assert max(_worst(encoder, fused).values()) <= 1e-5
    # the input projection is folded into the table: the fused graph looks up input_dim-wide rows
    assert fused.embeddings.shape == (VOCAB, input_dim or EMBED)


def test_gru_without_reset_after_is_fused_too():
    rnn = layers.GRU(5, reset_after=False, return_sequences=True)
    encoder = _tower("gru", False, "mean", rnn=rnn)
    assert max(_worst(encoder, FusedEncoder(encoder)).values()) <= 1e-5


def test_packing_runs_only_real_tokens_longest_first():
    packing = pack(tf.constant(_ids([2, 0, 3, 1], 4)))
    assert packing.order.numpy().tolist() == [2, 0, 3, 1]
    assert packing.lengths.numpy().tolist() == [3, 2, 1, 0]
    assert packing.running.numpy().tolist() == [3, 2, 1]  # executed rows: 6 = the real tokens
    assert packing.offsets.numpy().tolist() == [0, 3, 5]
    assert packing.text.numpy().tolist() == [0, 1, 2, 0, 1, 0]
    # backward order: text 0 (3 tokens) reads steps 2,1,0; text 1 reads 1,0; text 2 its one token
    assert packing.reversed_rows.numpy().tolist() == [5, 4, 2, 3, 1, 0]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda e: setattr(e, "projection", layers.Dense(4, activation="gelu")), "projection activation 'gelu'"),
        (lambda e: setattr(e, "extra", layers.Dense(6)), "layers ['extra'"),
        (lambda e: setattr(e, "rnn", layers.SimpleRNN(5, return_sequences=True)), "recurrent layer SimpleRNN"),
        (
            lambda e: setattr(e, "rnn", layers.Bidirectional(layers.GRU(5, return_sequences=True), merge_mode="sum")),
            "merge_mode='sum'",
        ),
    ],
)
def test_an_unknown_tower_is_refused_naming_what_differs(change, named):
    keras.utils.set_random_seed(0)
    encoder = SharedEncoder(VOCAB, EMBED, 5, 4)
    change(encoder)
    encoder(MIXED[:1])
    with pytest.raises(UnsupportedEncoder, match="fused inference does not support") as refused:
        FusedEncoder(encoder)
    assert named in str(refused.value) and "'cell': 'gru'" in str(refused.value)


def _trained(tmp_path, cell: str, bidirectional: bool, pooling: str, encoder=None) -> TrainedModel:
    table = tiny_table(dim=EMBED)
    vocab = write_vocab(vocab_words(table), tmp_path / "vocab.txt")
    config = TrainConfig(hidden=5, output_dim=4, cell=cell, bidirectional=bidirectional, pooling=pooling, max_tokens=6)
    if encoder is None:
        keras.utils.set_random_seed(3)
        matrix = embedding_matrix(table)
        encoder = SharedEncoder(len(matrix), EMBED, 5, 4, cell, bidirectional, pooling, embedding_matrix=matrix)
        encoder(MIXED[:1])
    return TrainedModel(encoder, vocab, config)


@pytest.mark.parametrize(("cell", "bidirectional", "pooling"), [("gru", True, "attention"), ("lstm", False, "last")])
def test_savedmodel_round_trip_gives_the_keras_vectors(tmp_path, cell, bidirectional, pooling):
    model = _trained(tmp_path, cell, bidirectional, pooling)
    fused_dir = export_model(model, tmp_path / "models")
    keras_dir = export_model(model, tmp_path / "models", graph="keras")
    assert (read_metadata(fused_dir)["graph"], read_metadata(keras_dir)["graph"]) == ("fused", "keras")
    expected = model.encode(TEXTS)
    for version_dir in (fused_dir, keras_dir):
        served = SavedModelEncoder(version_dir).encode(TEXTS)
        assert np.abs(served - expected).max() <= 1e-5
    served_one = SavedModelEncoder(fused_dir).encode(["sync"])
    assert np.abs(served_one - model.encode(["sync"])).max() <= 1e-5
    metadata = json.loads(tf.saved_model.load(str(fused_dir)).signatures["metadata"]()["metadata"].numpy())
    assert metadata["graph"] == "fused"


def test_unsupported_tower_exports_the_keras_call(tmp_path, caplog):
    keras.utils.set_random_seed(0)
    table = embedding_matrix(tiny_table(dim=EMBED))
    encoder = SharedEncoder(len(table), EMBED, 5, 4, embedding_matrix=table)
    encoder.projection = layers.Dense(4, activation="gelu")
    encoder(MIXED[:1])
    model = _trained(tmp_path, "gru", False, "mean", encoder=encoder)
    with caplog.at_level("WARNING"):
        version_dir = export_model(model, tmp_path / "models")
    assert read_metadata(version_dir)["graph"] == "keras"
    assert "projection activation 'gelu'" in caplog.text
    assert np.abs(SavedModelEncoder(version_dir).encode(TEXTS) - model.encode(TEXTS)).max() <= 1e-5
    with pytest.raises(ValueError, match="graph='tflite': choose one of fused, keras"):
        export_model(model, tmp_path / "models", graph="tflite")
