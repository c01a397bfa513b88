"""Dual-encoder training: one shared tower, in-batch softmax over (query, document) pairs."""

from __future__ import annotations

import dataclasses
import json
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
from answerbot.model.loop import run_epochs
from answerbot.model.losses import distill_loss, in_batch_loss
from answerbot.model.vectorizer import TextVectorizer
from answerbot.model.vocab import embedding_matrix, read_vocab, vocab_words, write_vocab
from answerbot.teacher.targets import DistillSet

__all__ = [
    "TrainConfig",
    "TrainedModel",
    "continue_from",
    "new_model",
    "train_dual_encoder",
    "validation_mrr",
]

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
    input_dim: int | None = None
    bag: bool = False
    lang_aware: bool = False
    max_tokens: int = 128
    epochs: int = 5
    batch_size: int = 64
    learning_rate: float = 2e-3
    temperature: float = 0.05
    hard_negatives: bool = False
    bucket_by_length: bool = True
    patience: int = 2
    distill_weight: float = 0.0
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
        if self.distill_weight < 0:
            raise ValueError(f"distill_weight={self.distill_weight}: must be >= 0")
        if self.input_dim is not None and self.input_dim < 1:
            raise ValueError(f"input_dim={self.input_dim}: must be a positive integer (or unset)")


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
            self._vectorizer = TextVectorizer(self.vocab_path, self.config.max_tokens, self.config.lang_aware)
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


def validation_mrr(model: TrainedModel, pairs: Sequence[Pair]) -> float:
    """MRR@10 of each query against all distinct documents of ``pairs`` (ties at expected rank)."""
    keys = sorted({p.doc_key for p in pairs})
    position = {k: i for i, k in enumerate(keys)}
    docs = {p.doc_key: p.document for p in pairs}
    scores = model.encode([p.query for p in pairs]) @ model.encode([docs[k] for k in keys]).T
    return mean_reciprocal_rank(list(scores), [position[p.doc_key] for p in pairs], k=10)


def new_model(table: EmbeddingTable, work_dir: Path, config: TrainConfig) -> TrainedModel:
    """An untrained tower over the frozen ``table``; its vocabulary is written to ``work_dir``."""
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
        input_dim=config.input_dim,
        bag=config.bag,
    )
    model = TrainedModel(encoder, vocab_path, config, record={"table": table.meta})
    encoder(model.vectorizer()(tf.constant(["warm up"])))
    return model


def continue_from(model: TrainedModel, config: TrainConfig) -> TrainedModel:
    """The same tower and vocabulary under a new training ``config`` (the architecture must not change)."""
    fixed = ("hidden", "output_dim", "cell", "bidirectional", "pooling", "input_dim", "bag", "lang_aware")
    changed = [f for f in fixed if getattr(config, f) != getattr(model.config, f)]
    if changed:
        raise ValueError(
            f"config changes {changed} of the model being continued; keep them as they are "
            f"({', '.join(f'{f}={getattr(model.config, f)!r}' for f in changed)})"
        )
    record = {k: v for k, v in model.record.items() if k in {"table", "stages"}}
    stage = {k: v for k, v in model.record.items() if k not in {"table", "stages", "recipe"}}
    record["stages"] = [*record.get("stages", []), {**stage, "config": asdict(model.config), "history": model.history}]
    return TrainedModel(model.encoder, model.vocab_path, config, record=record)


def train_dual_encoder(
    pairs: Sequence[Pair],
    table: EmbeddingTable | TrainedModel,
    work_dir: Path,
    config: TrainConfig | None = None,
    validation: Sequence[Pair] = (),
    progress: Callable[[dict[str, Any]], None] | None = None,
    checkpoint_dir: Path | None = None,
    anchor: DistillSet | None = None,
) -> TrainedModel:
    """Train the shared tower on ``pairs`` with the in-batch softmax; return the trained model.

    ``table`` is the frozen table of a new tower (its vocabulary goes to ``work_dir``) or a trained
    model to fine-tune. Pairs with a ``negative`` (a rejected article) add it to the in-batch softmax as a
    hard negative. With ``anchor`` and ``config.distill_weight > 0``, every step also takes a batch
    of the anchor's texts and adds ``distill_weight * (1 - cos(student, teacher))``, so fine-tuning
    does not forget the shared space the tower was distilled into. With ``validation`` pairs, each
    epoch is scored by MRR@10 with early stopping (``patience``), keeping the best epoch's weights.
    """
    config = config or TrainConfig()
    if len(pairs) < 2:
        raise ValueError(f"pairs: got {len(pairs)}, need at least 2 (ticket, article) pairs to train")
    model = continue_from(table, config) if isinstance(table, TrainedModel) else new_model(table, work_dir, config)
    model.record["pairs"] = len(pairs)
    keras.utils.set_random_seed(config.seed)
    encoder, vectorizer = model.encoder, model.vectorizer()
    optimizer = keras.optimizers.Adam(config.learning_rate)
    key_ids = {k: i for i, k in enumerate(sorted({p.doc_key for p in pairs} | {p.negative_key for p in pairs}))}
    with_negatives = any(p.negative for p in pairs)
    model.record["hard_negative_pairs"] = sum(1 for p in pairs if p.negative)
    anchored = anchor is not None and config.distill_weight > 0
    anchor_batches = anchor.cycle(config.batch_size, config.seed) if anchored and anchor is not None else None

    @tf.function(reduce_retracing=True)
    def step(
        queries: tf.Tensor,
        documents: tf.Tensor,
        keys: tf.Tensor,
        anchor_texts: tf.Tensor,
        anchor_targets: tf.Tensor,
        negatives: tf.Tensor,
        negative_keys: tf.Tensor,
    ) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = in_batch_loss(
                encoder(vectorizer(queries), training=True),
                encoder(vectorizer(documents), training=True),
                keys,
                config.temperature,
                encoder(vectorizer(negatives), training=True) if with_negatives else None,
                negative_keys if with_negatives else None,
            )
            if anchored:
                student = encoder(vectorizer(anchor_texts), training=True)
                loss += config.distill_weight * distill_loss(student, anchor_targets)
        grads = tape.gradient(loss, encoder.trainable_variables)
        optimizer.apply_gradients(zip(grads, encoder.trainable_variables, strict=True))
        return loss

    empty_targets = tf.zeros([0, config.output_dim], tf.float32)

    def run(batch: list[Pair]) -> float:
        texts, targets = next(anchor_batches) if anchor_batches is not None else ([], empty_targets)
        return float(
            step(
                tf.constant([p.query for p in batch]),
                tf.constant([p.document for p in batch]),
                tf.constant([key_ids[p.doc_key] for p in batch], dtype=tf.int64),
                tf.constant(texts, dtype=tf.string),
                tf.constant(targets, dtype=tf.float32),
                tf.constant([p.negative or " " for p in batch] if with_negatives else [], dtype=tf.string),
                tf.constant([key_ids[p.negative_key] if p.negative else -1 for p in batch], dtype=tf.int64),
            )
        )

    group = (lambda p: p.group) if config.hard_negatives else None
    length = (lambda p: len(p.document)) if config.bucket_by_length else None
    model.history, record = run_epochs(
        encoder,
        config.epochs,
        config.patience,
        config.seed,
        lambda rng: make_batches(pairs, config.batch_size, rng, group=group, length=length),
        run,
        (lambda: validation_mrr(model, validation)) if validation else None,
        "val_mrr",
        progress,
        checkpoint_dir,
    )
    model.record.update(record)
    return model
