"""Export a trained tower as a SavedModel: string in, L2-normalised vector out.

Layout: ``<model_root>/<version>/`` with ``saved_model.pb``, ``variables/``, the vocabulary in
``assets/`` and the metadata as ``assets.extra/answerbot.json`` (readable without TensorFlow).
Signatures: ``serving_default`` (``text: string [None]`` -> ``embedding: float32 [None, d]``) and
``metadata`` (no input -> ``metadata: string`` JSON). A version folder appears atomically: the
export is written beside it and renamed, so TF Serving never loads a half-written model.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import tensorflow as tf

from answerbot.model.encoder import SharedEncoder
from answerbot.model.training import TrainedModel
from answerbot.model.vectorizer import TextVectorizer

__all__ = ["METADATA_FILE", "ServingModule", "export_model", "next_version", "read_metadata"]

METADATA_FILE = "answerbot.json"
MODEL_NAME = "answerbot"


class ServingModule(tf.Module):
    """The exported graph: in-graph tokenizer and vocabulary lookup, then the shared tower."""

    def __init__(self, encoder: SharedEncoder, vectorizer: TextVectorizer, metadata: dict[str, Any]) -> None:
        super().__init__(name="answerbot")
        self.encoder = encoder
        self.vectorizer = vectorizer
        self._metadata = tf.constant(json.dumps(metadata, sort_keys=True))

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
    def serve(self, text: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"embedding": self.encoder(self.vectorizer(text), training=False)}

    @tf.function(input_signature=[])
    def metadata(self) -> dict[str, tf.Tensor]:
        return {"metadata": tf.identity(self._metadata)}


def next_version(model_root: Path) -> int:
    """One more than the highest numeric version folder under ``model_root`` (1 when empty)."""
    versions = [int(p.name) for p in model_root.glob("*") if p.is_dir() and p.name.isdigit()]
    return max(versions, default=0) + 1


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_model(
    model: TrainedModel, model_root: Path, version: int | None = None, extra: dict[str, Any] | None = None
) -> Path:
    """Write ``model`` as SavedModel version ``version`` (next free one by default); return its folder."""
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
        "max_tokens": model.config.max_tokens,
        "vocab_size": model.encoder.vocab_size,
        "vocab_sha256": _sha256(model.vocab_path),
        "languages": table_meta.get("languages", []),
        "merge_strategy": table_meta.get("strategy"),
        "encoder": model.encoder.get_config() | {"name": None, "trainable": None, "dtype": None},
        **(extra or {}),
    }
    metadata["encoder"] = {k: v for k, v in metadata["encoder"].items() if v is not None}
    module = ServingModule(model.encoder, model.vectorizer(), metadata)
    staging = model_root / f".{version}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    tf.saved_model.save(module, str(staging), signatures={"serving_default": module.serve, "metadata": module.metadata})
    (staging / "assets.extra").mkdir(exist_ok=True)
    (staging / "assets.extra" / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False))
    staging.rename(target)
    return target


def read_metadata(version_dir: Path) -> dict[str, Any]:
    """The metadata of an exported version, read from ``assets.extra`` (no TensorFlow needed)."""
    path = version_dir / "assets.extra" / METADATA_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing; {version_dir} was not exported by `answerbot export`")
    return json.loads(path.read_text(encoding="utf-8"))
