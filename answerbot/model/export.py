"""Export a trained tower as a SavedModel: string in, L2-normalised vector out.

Layout: ``<model_root>/<version>/`` with ``saved_model.pb``, ``variables/``, the vocabulary in
``assets/``, the metadata as ``assets.extra/answerbot.json`` (readable without TensorFlow) and TF
Serving warmup records in ``assets.extra/tf_serving_warmup_requests``.

Signatures (one shared tower behind all of them):

- ``serving_default`` and ``ticket``: ``text: string [None]`` -> ``embedding: float32 [None, d]``
- ``article``: ``title, body: string [None]`` -> ``embedding`` of ``title + "\\n" + body``
  (the in-graph twin of ``answerbot.text.article_text`` for plain-text bodies: HTML is stripped in
  Python before encoding, so callers send the visible text)
- ``metadata``: no input -> ``metadata: string`` (the JSON of ``assets.extra/answerbot.json``)

The tower runs as ``answerbot.model.fused.FusedEncoder`` (packed sequences, one input projection
for all steps) by default; ``graph="keras"`` exports the Keras call instead, for comparison, and a
tower the fused graph does not support falls back to it with a warning. ``metadata["graph"]`` says
which one a version holds.

A version folder appears atomically: the export is written beside it and renamed, so TF Serving
never loads a half-written model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import tensorflow as tf

from answerbot.model.fused import FusedEncoder, UnsupportedEncoder
from answerbot.model.training import TrainedModel
from answerbot.model.vectorizer import TextVectorizer

__all__ = [
    "GRAPHS",
    "METADATA_FILE",
    "MODEL_NAME",
    "SIGNATURES",
    "WARMUP_FILE",
    "WARMUP_TEXTS",
    "ServingModule",
    "export_model",
    "inference_tower",
    "next_version",
    "read_metadata",
    "read_warmup",
    "write_warmup",
]

METADATA_FILE = "answerbot.json"
WARMUP_FILE = "tf_serving_warmup_requests"
MODEL_NAME = "answerbot"
SIGNATURES = ("serving_default", "ticket", "article", "metadata")
WARMUP_TEXTS = (
    "I forgot my password and cannot log in",
    "Where is my order? The tracking number does not work",
    "Ich möchte meine Rechnung herunterladen",
    "No puedo sincronizar la carpeta compartida",
    "Je voudrais un remboursement sur ma carte",
    "パスワードをリセットできません",
    "如何下载发票",
    "",
)
WARMUP_BATCH_SIZES = (1, 8, 32)
GRAPHS = ("fused", "keras")

log = logging.getLogger(__name__)

_TEXT = tf.TensorSpec([None], tf.string, name="text")


class ServingModule(tf.Module):
    """The exported graph: in-graph tokenizer and vocabulary lookup, then the shared tower."""

    def __init__(
        self, encoder: Callable[[tf.Tensor], tf.Tensor], vectorizer: TextVectorizer, metadata: dict[str, Any]
    ) -> None:
        super().__init__(name="answerbot")
        self.encoder = encoder
        self.vectorizer = vectorizer
        self._metadata = tf.constant(json.dumps(metadata, sort_keys=True))

    @tf.function(input_signature=[_TEXT])
    def serve(self, text: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"embedding": self.encoder(self.vectorizer(text))}

    @tf.function(
        input_signature=[tf.TensorSpec([None], tf.string, name="title"), tf.TensorSpec([None], tf.string, name="body")]
    )
    def article(self, title: tf.Tensor, body: tf.Tensor) -> dict[str, tf.Tensor]:
        return self.serve(tf.strings.join([title, body], separator="\n"))

    @tf.function(input_signature=[])
    def metadata(self) -> dict[str, tf.Tensor]:
        return {"metadata": tf.identity(self._metadata)}

    def signatures(self) -> dict[str, Any]:
        """The signature map passed to ``tf.saved_model.save`` (names as in ``SIGNATURES``)."""
        return {"serving_default": self.serve, "ticket": self.serve, "article": self.article, "metadata": self.metadata}


def next_version(model_root: Path) -> int:
    """One more than the highest numeric version folder under ``model_root`` (1 when empty)."""
    versions = [int(p.name) for p in model_root.glob("*") if p.is_dir() and p.name.isdigit()]
    return max(versions, default=0) + 1


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _string_tensor(texts: Sequence[str]) -> Any:
    from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2

    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=len(texts))])
    return tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING, tensor_shape=shape, string_val=[t.encode("utf-8") for t in texts]
    )


def write_warmup(
    path: Path,
    model_name: str = MODEL_NAME,
    texts: Sequence[str] = WARMUP_TEXTS,
    batch_sizes: Sequence[int] = WARMUP_BATCH_SIZES,
) -> int:
    """Write TF Serving warmup records (TFRecord of ``PredictionLog``); return how many.

    One ``serving_default`` request per batch size (texts repeated to fill it), and one each for
    ``ticket`` and ``article``, so every graph and the batch sizes of ``batching.config`` are warm.
    """
    from tensorflow_serving.apis import model_pb2, predict_pb2, prediction_log_pb2

    def request(signature: str, inputs: dict[str, list[str]]) -> Any:
        spec = model_pb2.ModelSpec(name=model_name, signature_name=signature)
        req = predict_pb2.PredictRequest(model_spec=spec)
        for key, values in inputs.items():
            req.inputs[key].CopyFrom(_string_tensor(values))
        return prediction_log_pb2.PredictionLog(predict_log=prediction_log_pb2.PredictLog(request=req))

    def fill(n: int) -> list[str]:
        return [texts[i % len(texts)] for i in range(n)]

    records = [request("serving_default", {"text": fill(n)}) for n in batch_sizes]
    records.append(request("ticket", {"text": fill(1)}))
    records.append(request("article", {"title": fill(2), "body": list(reversed(fill(2)))}))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for record in records:
            writer.write(record.SerializeToString())
    return len(records)


def read_warmup(path: Path) -> list[Any]:
    """The ``PredictionLog`` records of a warmup file."""
    from tensorflow_serving.apis import prediction_log_pb2

    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing; re-export the model with `answerbot export`")
    return [prediction_log_pb2.PredictionLog.FromString(r.numpy()) for r in tf.data.TFRecordDataset(str(path))]


def inference_tower(model: TrainedModel, graph: str = "fused") -> tuple[Callable[[tf.Tensor], tf.Tensor], str]:
    """The tower to export and the graph it is: the fused one, or the Keras call (asked for, or as fallback)."""
    if graph not in GRAPHS:
        raise ValueError(f"graph={graph!r}: choose one of {', '.join(GRAPHS)}")
    if graph == "fused":
        try:
            return FusedEncoder(model.encoder), "fused"
        except UnsupportedEncoder as e:
            log.warning("exporting the Keras call instead of the fused graph: %s", e)
    return model.encoder, "keras"  # called without ``training``: inference mode


def export_model(
    model: TrainedModel,
    model_root: Path,
    version: int | None = None,
    extra: dict[str, Any] | None = None,
    graph: str = "fused",
) -> Path:
    """Write ``model`` as SavedModel version ``version`` (next free one by default); return its folder.

    ``graph`` is ``fused`` (default; falls back to ``keras`` for a tower it does not support) or ``keras``.
    """
    tower, graph = inference_tower(model, graph)
    if model.config.lang_aware:
        raise ValueError(
            "this model reads '<lang>\\t<text>' (lang_aware, the tagged/route merge experiments); the served "
            "signatures take plain text, so train with lang_aware = false to export"
        )
    model_root.mkdir(parents=True, exist_ok=True)
    version = version if version is not None else next_version(model_root)
    target = model_root / str(version)
    if target.exists():
        raise FileExistsError(f"{target}: version {version} exists; pick another --version or omit it")
    table_meta = model.record.get("table", {})
    metadata = {
        "name": MODEL_NAME,
        "version": str(version),
        "dim": model.config.output_dim,
        "embed_dim": model.encoder.embed_dim,
        "max_tokens": model.config.max_tokens,
        "vocab_size": model.encoder.vocab_size,
        "vocab_sha256": _sha256(model.vocab_path),
        "languages": table_meta.get("languages", []),
        "merge_strategy": table_meta.get("strategy"),
        "encoder": model.encoder.get_config() | {"name": None, "trainable": None, "dtype": None},
        "signatures": list(SIGNATURES),
        "graph": graph,
        "tensorflow": tf.__version__,
        **(extra or {}),
    }
    metadata["encoder"] = {k: v for k, v in metadata["encoder"].items() if v is not None}
    module = ServingModule(tower, model.vectorizer(), metadata)
    staging = model_root / f".{version}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    tf.saved_model.save(module, str(staging), signatures=module.signatures())
    (staging / "assets.extra").mkdir(exist_ok=True)
    (staging / "assets.extra" / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False))
    write_warmup(staging / "assets.extra" / WARMUP_FILE, model_name=MODEL_NAME)
    staging.rename(target)
    return target


def read_metadata(version_dir: Path) -> dict[str, Any]:
    """The metadata of an exported version, read from ``assets.extra`` (no TensorFlow needed)."""
    path = version_dir / "assets.extra" / METADATA_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing; {version_dir} was not exported by `answerbot export`")
    return json.loads(path.read_text(encoding="utf-8"))
