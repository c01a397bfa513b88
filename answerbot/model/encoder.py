"""The shared RNN core: one tower that turns token ids into an L2-normalised vector.

The same tower (same weights) encodes tickets and articles. The embedding table is frozen.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers, ops

__all__ = ["SharedEncoder"]


@keras.saving.register_keras_serializable(package="answerbot")
class SharedEncoder(keras.Model):
    """Frozen embedding -> GRU/LSTM (uni- or bidirectional) -> masked pooling (mean, last, max or attention)
    -> projection -> L2 norm."""

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int,
        hidden: int = 128,
        output_dim: int = 128,
        cell: str = "gru",
        bidirectional: bool = False,
        pooling: str = "mean",
        embedding_matrix: np.ndarray | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if cell not in {"gru", "lstm"}:
            raise ValueError(f"cell={cell!r}: choose 'gru' or 'lstm'")
        if pooling not in {"mean", "last", "max", "attention"}:
            raise ValueError(f"pooling={pooling!r}: choose 'mean', 'last', 'max' or 'attention'")
        self.vocab_size, self.embed_dim, self.hidden = vocab_size, embed_dim, hidden
        self.output_dim, self.cell, self.bidirectional, self.pooling = (
            output_dim,
            cell,
            bidirectional,
            pooling,
        )
        init = keras.initializers.Constant(embedding_matrix) if embedding_matrix is not None else "uniform"
        self.embedding = layers.Embedding(vocab_size, embed_dim, embeddings_initializer=init, trainable=False)
        rnn_cls = layers.GRU if cell == "gru" else layers.LSTM
        rnn = rnn_cls(hidden, return_sequences=pooling != "last")
        self.rnn = layers.Bidirectional(rnn) if bidirectional else rnn
        self.attention = layers.Dense(1, use_bias=False) if pooling == "attention" else None
        self.projection = layers.Dense(output_dim)

    def call(self, ids: Any, training: bool = False) -> Any:
        mask = ops.not_equal(ids, 0)
        states = self.rnn(self.embedding(ids), mask=mask, training=training)
        if self.pooling == "mean":
            weights = ops.expand_dims(ops.cast(mask, states.dtype), -1)
            pooled = ops.sum(states * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)
        elif self.pooling == "attention":
            # One learned query scores every step; padding gets no weight; an empty text pools to zeros.
            logits = ops.squeeze(self.attention(states), -1)
            logits = ops.where(mask, logits, -1e9)
            weights = ops.softmax(logits, axis=-1) * ops.cast(mask, states.dtype)
            pooled = ops.sum(states * ops.expand_dims(weights, -1), axis=1)
        elif self.pooling == "max":
            very_negative = ops.where(ops.expand_dims(mask, -1), states, -1e9)
            pooled = ops.where(ops.any(mask, axis=1, keepdims=True), ops.max(very_negative, axis=1), 0.0)
        else:
            pooled = states
        return ops.normalize(self.projection(pooled), axis=-1, order=2, epsilon=1e-12)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            vocab_size=self.vocab_size,
            embed_dim=self.embed_dim,
            hidden=self.hidden,
            output_dim=self.output_dim,
            cell=self.cell,
            bidirectional=self.bidirectional,
            pooling=self.pooling,
        )
        return config
