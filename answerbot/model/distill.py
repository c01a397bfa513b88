"""Distillation: the shared tower learns to reproduce a teacher's sentence vectors.

The student (frozen merged table -> RNN core -> pooling -> projection) is trained on texts of every
language to point where the teacher's vector points (loss ``1 - cos``). Its output dimension is the
teacher's. Validation is the mean cosine to the teacher on held-out texts (higher is better).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from answerbot.embeddings.table import EmbeddingTable
from answerbot.model.loop import run_epochs
from answerbot.model.losses import distill_loss
from answerbot.model.training import TrainConfig, TrainedModel, continue_from, new_model
from answerbot.teacher.targets import DistillSet

__all__ = ["distill", "mean_cosine"]


def mean_cosine(model: TrainedModel, data: DistillSet) -> float:
    """Mean cosine between the model's vectors of ``data.texts`` and their targets."""
    vectors = model.encode(data.texts)
    targets = data.targets / np.maximum(np.linalg.norm(data.targets, axis=1, keepdims=True), 1e-12)
    return float(np.mean(np.sum(vectors * targets, axis=1)))


def distill(
    data: DistillSet,
    table: EmbeddingTable | TrainedModel,
    work_dir: Path,
    config: TrainConfig,
    validation: DistillSet | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    checkpoint_dir: Path | None = None,
) -> TrainedModel:
    """Distil ``data`` into a new tower over ``table`` (or continue a trained model); return it.

    ``config.output_dim`` must equal the teacher's dimension (``data.dim``).
    """
    if config.output_dim != data.dim:
        raise ValueError(
            f"output_dim={config.output_dim}: the teacher's vectors have {data.dim} dimensions; "
            f"set output_dim={data.dim} to distil them"
        )
    if len(data) < 2:
        raise ValueError(f"distillation texts: got {len(data)}, need at least 2")
    model = continue_from(table, config) if isinstance(table, TrainedModel) else new_model(table, work_dir, config)
    model.record["distill_texts"] = len(data)
    model.record["distill_sources"] = dict(data.sources)
    keras.utils.set_random_seed(config.seed)
    encoder, vectorizer = model.encoder, model.vectorizer()
    optimizer = keras.optimizers.Adam(config.learning_rate)

    @tf.function(reduce_retracing=True)
    def step(texts: tf.Tensor, targets: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = distill_loss(encoder(vectorizer(texts), training=True), targets)
        grads = tape.gradient(loss, encoder.trainable_variables)
        optimizer.apply_gradients(zip(grads, encoder.trainable_variables, strict=True))
        return loss

    def run(batch: tuple[list[str], np.ndarray]) -> float:
        texts, targets = batch
        return float(step(tf.constant(texts), tf.constant(targets, dtype=tf.float32)))

    model.history, record = run_epochs(
        encoder,
        config.epochs,
        config.patience,
        config.seed,
        lambda rng: data.batches(config.batch_size, rng),
        run,
        (lambda: mean_cosine(model, validation)) if validation is not None and len(validation) else None,
        "val_cosine",
        progress,
        checkpoint_dir,
    )
    model.record.update(record)
    return model
