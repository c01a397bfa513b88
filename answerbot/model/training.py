"""Dual-encoder training: one shared tower, in-batch softmax over (query, document) pairs."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from answerbot.data.records import Pair
from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.metrics import mean_reciprocal_rank
from answerbot.model.batches import make_batches
from answerbot.model.encoder import SharedEncoder
from answerbot.model.vectorizer import TextVectorizer
from answerbot.model.vocab import embedding_matrix, read_vocab, vocab_words, write_vocab

__all__ = ["TrainConfig", "TrainedModel", "in_batch_loss", "train_dual_encoder", "validation_mrr"]

ENCODER_FILE = "encoder.keras"
VOCAB_FILE = "vocab.txt"
RUN_FILE = "train.json"


@dataclass(frozen=True)
class TrainConfig:
    hidden: int = 128
    output_dim: int = 128
    cell: str = "gru"
    bidirectional: bool = False
    pooling: str = "mean"
    max_tokens: int = 128
    epochs: int = 5
    batch_size: int = 64
    learning_rate: float = 2e-3
    temperature: float = 0.05
    hard_negatives: bool = False
    bucket_by_length: bool = True
    patience: int = 2
    seed: int = 0

    @classmethod
    def from_file(cls, path: Path, **overrides: Any) -> TrainConfig:
        """Read a TOML file (keys as the fields; an optional ``[train]`` table), then apply ``overrides``."""
        import tomllib

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ValueError(f"{path}: cannot read the training config ({e})") from e
        data = data.get("train", data)
        unknown = sorted(set(data) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise ValueError(f"{path}: unknown keys {unknown}; known: {[f.name for f in dataclasses.fields(cls)]}")
        return cls(**{**data, **{k: v for k, v in overrides.items() if v is not None}})

    def __post_init__(self) -> None:
        for name in ("hidden", "output_dim", "max_tokens", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)}: must be a positive integer")
        if self.batch_size < 2:
            raise ValueError(f"batch_size={self.batch_size}: in-batch negatives need at least 2")
        if not 0 < self.temperature <= 1:
            raise ValueError(f"temperature={self.temperature}: must be in (0, 1]")
        if self.patience < 1:
            raise ValueError(f"patience={self.patience}: must be at least 1 epoch")


@dataclass
class TrainedModel:
    """A trained tower with the vocabulary it reads and the run's record."""

    encoder: SharedEncoder
    vocab_path: Path
    config: TrainConfig
    history: list[dict[str, float]] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)

    _vectorizer: TextVectorizer | None = field(default=None, init=False, repr=False, compare=False)

    def vectorizer(self) -> TextVectorizer:
        """The in-graph text -> ids step over this model's vocabulary (built once, then reused)."""
        if self._vectorizer is None:
            self._vectorizer = TextVectorizer(self.vocab_path, self.config.max_tokens)
        return self._vectorizer

    def encode(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """Vectors for ``texts`` through the Keras tower (the reference the export must match)."""
        chunks = [
            self.encoder(self.vectorizer()(tf.constant(list(texts[i : i + batch_size]))), training=False).numpy()
            for i in range(0, len(texts), batch_size)
        ]
        return np.concatenate(chunks) if chunks else np.zeros((0, self.config.output_dim), np.float32)

    def save(self, run_dir: Path) -> Path:
        run_dir.mkdir(parents=True, exist_ok=True)
        self.encoder.save(run_dir / ENCODER_FILE)
        if self.vocab_path.resolve() != (run_dir / VOCAB_FILE).resolve():
            write_vocab(read_vocab(self.vocab_path), run_dir / VOCAB_FILE)
        record = {**self.record, "config": asdict(self.config), "history": self.history}
        (run_dir / RUN_FILE).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        return run_dir

    @classmethod
    def load(cls, run_dir: Path) -> TrainedModel:
        for name in (ENCODER_FILE, VOCAB_FILE, RUN_FILE):
            if not (run_dir / name).is_file():
                raise FileNotFoundError(f"{run_dir / name}: missing; is {run_dir} a run folder written by `train`?")
        record = json.loads((run_dir / RUN_FILE).read_text())
        encoder = keras.models.load_model(run_dir / ENCODER_FILE)
        config = TrainConfig(**record.pop("config"))
        history = record.pop("history")
        return cls(encoder, run_dir / VOCAB_FILE, config, history, record)


def in_batch_loss(queries: tf.Tensor, documents: tf.Tensor, doc_keys: tf.Tensor, temperature: float) -> tf.Tensor:
    """Symmetric in-batch softmax cross-entropy; duplicates of a row's own document are masked out."""
    logits = tf.matmul(queries, documents, transpose_b=True) / temperature
    same = tf.equal(doc_keys[:, None], doc_keys[None, :])
    eye = tf.eye(tf.shape(logits)[0], dtype=tf.bool)
    logits = tf.where(same & ~eye, tf.constant(-1e9, logits.dtype), logits)
    labels = tf.range(tf.shape(logits)[0])
    forward = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
    backward = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, tf.transpose(logits))
    return tf.reduce_mean(forward + backward) / 2.0


def validation_mrr(model: TrainedModel, pairs: Sequence[Pair]) -> float:
    """MRR@10 of each query against all distinct documents of ``pairs`` (ties at expected rank)."""
    keys = sorted({p.doc_key for p in pairs})
    position = {k: i for i, k in enumerate(keys)}
    docs = {p.doc_key: p.document for p in pairs}
    scores = model.encode([p.query for p in pairs]) @ model.encode([docs[k] for k in keys]).T
    return mean_reciprocal_rank(list(scores), [position[p.doc_key] for p in pairs], k=10)


def train_dual_encoder(
    pairs: Sequence[Pair],
    table: EmbeddingTable,
    work_dir: Path,
    config: TrainConfig | None = None,
    validation: Sequence[Pair] = (),
    progress: Callable[[dict[str, Any]], None] | None = None,
    checkpoint_dir: Path | None = None,
) -> TrainedModel:
    """Train the shared tower on ``pairs`` over the frozen ``table``; the vocabulary goes to ``work_dir``.

    With ``validation`` pairs, each epoch is scored by MRR@10; training stops after ``patience``
    epochs without improvement and keeps the best epoch's weights (also written to
    ``checkpoint_dir/best.weights.h5`` when given). ``progress`` gets one dict per batch and per epoch.
    """
    config = config or TrainConfig()
    if len(pairs) < 2:
        raise ValueError(f"pairs: got {len(pairs)}, need at least 2 (ticket, article) pairs to train")
    keras.utils.set_random_seed(config.seed)
    vocab_path = write_vocab(vocab_words(table), work_dir / VOCAB_FILE)
    matrix = embedding_matrix(table)
    encoder = SharedEncoder(
        vocab_size=matrix.shape[0],
        embed_dim=matrix.shape[1],
        hidden=config.hidden,
        output_dim=config.output_dim,
        cell=config.cell,
        bidirectional=config.bidirectional,
        pooling=config.pooling,
        embedding_matrix=matrix,
    )
    model = TrainedModel(encoder, vocab_path, config, record={"table": table.meta, "pairs": len(pairs)})
    vectorizer = model.vectorizer()
    encoder(vectorizer(tf.constant(["warm up"])))
    optimizer = keras.optimizers.Adam(config.learning_rate)
    key_ids = {k: i for i, k in enumerate(sorted({p.doc_key for p in pairs}))}

    @tf.function(reduce_retracing=True)
    def step(queries: tf.Tensor, documents: tf.Tensor, keys: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = in_batch_loss(
                encoder(vectorizer(queries), training=True),
                encoder(vectorizer(documents), training=True),
                keys,
                config.temperature,
            )
        grads = tape.gradient(loss, encoder.trainable_variables)
        optimizer.apply_gradients(zip(grads, encoder.trainable_variables, strict=True))
        return loss

    rng = np.random.default_rng(config.seed)
    group = (lambda p: p.group) if config.hard_negatives else None
    length = (lambda p: len(p.document)) if config.bucket_by_length else None
    best, best_weights, stale_epochs = -1.0, None, 0
    started = time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        batches = make_batches(pairs, config.batch_size, rng, group=group, length=length)
        losses = []
        for number, batch in enumerate(batches, start=1):
            loss = step(
                tf.constant([p.query for p in batch]),
                tf.constant([p.document for p in batch]),
                tf.constant([key_ids[p.doc_key] for p in batch], dtype=tf.int64),
            )
            losses.append(float(loss))
            if progress:
                progress(
                    {"event": "batch", "epoch": epoch, "batch": number, "batches": len(batches), "loss": losses[-1]}
                )
        entry = {"epoch": epoch, "loss": float(np.mean(losses)), "seconds": time.perf_counter() - started}
        if validation:
            entry["val_mrr"] = validation_mrr(model, validation)
        model.history.append(entry)
        if progress:
            progress({"event": "epoch", **entry})
        if validation:
            if entry["val_mrr"] > best:
                best, best_weights, stale_epochs = entry["val_mrr"], encoder.get_weights(), 0
                if checkpoint_dir is not None:
                    checkpoint_dir.mkdir(parents=True, exist_ok=True)
                    encoder.save_weights(checkpoint_dir / "best.weights.h5")
            else:
                stale_epochs += 1
                if stale_epochs >= config.patience:
                    break
    if best_weights is not None:
        encoder.set_weights(best_weights)  # early stopping keeps the epoch with the best validation MRR
        model.record["best_val_mrr"] = best
    model.record["train_seconds"] = time.perf_counter() - started
    return model
