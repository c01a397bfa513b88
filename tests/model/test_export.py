import numpy as np
import pytest
import tensorflow as tf

from answerbot.encoders.inprocess import SavedModelEncoder, latest_version_dir
from answerbot.model.export import export_model, next_version, read_metadata
from tests.tiny_model import TINY_DOCS, train_tiny_model

TEXTS = ["forgot password", "Where is my ORDER?", "", "words the vocabulary never saw", *TINY_DOCS.values()]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    model = train_tiny_model(root / "run", epochs=5)
    return model, export_model(model, root / "models")


def test_export_then_load_gives_the_keras_vectors(exported):
    model, version_dir = exported
    served = SavedModelEncoder(version_dir).encode(TEXTS)
    assert np.abs(served - model.encode(TEXTS)).max() <= 1e-5


def test_signature_is_string_in_embedding_out(exported):
    _, version_dir = exported
    signature = tf.saved_model.load(str(version_dir)).signatures["serving_default"]
    ((name, spec),) = signature.structured_input_signature[1].items()
    assert (name, spec.dtype, spec.shape.as_list()) == ("text", tf.string, [None])
    out = signature.structured_outputs["embedding"]
    assert (out.dtype, out.shape.as_list()) == (tf.float32, [None, 8])


def test_metadata_is_readable_from_assets_extra_and_from_the_graph(exported):
    import json

    _, version_dir = exported
    meta = read_metadata(version_dir)
    assert meta["version"] == "1" and meta["dim"] == 8 and len(meta["vocab_sha256"]) == 64
    graph_meta = tf.saved_model.load(str(version_dir)).signatures["metadata"]()["metadata"].numpy()
    assert json.loads(graph_meta) == {k: meta[k] for k in json.loads(graph_meta)}


def test_vocabulary_ships_as_an_asset(exported):
    _, version_dir = exported
    assert (version_dir / "assets" / "vocab.txt").read_text(encoding="utf-8").startswith("<pad>\n<unk>\n")


def test_versions_count_up_and_the_latest_is_served(exported, tmp_path):
    model, _ = exported
    root = tmp_path / "models"
    assert next_version(root) == 1
    export_model(model, root)
    second = export_model(model, root)
    assert second.name == "2"
    assert latest_version_dir(root) == second
    assert SavedModelEncoder.latest(root).model_version == "2"
    with pytest.raises(FileExistsError, match="version 2 exists"):
        export_model(model, root, version=2)
    assert not list(root.glob(".*partial"))
