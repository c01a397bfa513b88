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
    """Frozen embedding -> optional linear input projection -> GRU/LSTM (uni- or bidirectional) ->
    masked pooling (mean, last, max or attention) -> projection (+ a bag-of-words path) -> L2 norm.

    ``input_dim`` adds a trainable linear map (no bias) from the table's dimension to ``input_dim``
    before the RNN; being linear, it can be folded into the frozen table at export. ``bag`` adds the
    projected masked mean of the (input-projected) word vectors to the RNN path's projection, so the
    core starts from the mean of word vectors and the RNN learns what word order adds.
    """

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
        input_dim: int | None = None,
        bag: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if cell not in {"gru", "lstm"}:
            raise ValueError(f"cell={cell!r}: choose 'gru' or 'lstm'")
        if pooling not in {"mean", "last", "max", "attention"}:
            raise ValueError(f"pooling={pooling!r}: choose 'mean', 'last', 'max' or 'attention'")
        if input_dim is not None and input_dim < 1:
            raise ValueError(f"input_dim={input_dim}: must be a positive integer or None")
        self.vocab_size, self.embed_dim, self.hidden = vocab_size, embed_dim, hidden
        self.output_dim, self.cell, self.bidirectional, self.pooling = output_dim, cell, bidirectional, pooling
        self.input_dim, self.bag = input_dim, bag
        init = keras.initializers.Constant(embedding_matrix) if embedding_matrix is not None else "uniform"
        self.embedding = layers.Embedding(vocab_size, embed_dim, embeddings_initializer=init, trainable=False)
        self.input_projection = layers.Dense(input_dim, use_bias=False) if input_dim is not None else None
        rnn_cls = layers.GRU if cell == "gru" else layers.LSTM
        rnn = rnn_cls(hidden, return_sequences=pooling != "last")
        self.rnn = layers.Bidirectional(rnn) if bidirectional else rnn
        self.attention = layers.Dense(1, use_bias=False) if pooling == "attention" else None
        self.projection = layers.Dense(output_dim)
        self.bag_projection = layers.Dense(output_dim, use_bias=False) if bag else None

    def call(self, ids: Any, training: bool = False) -> Any:
        mask = ops.not_equal(ids, 0)
        inputs = self.embedding(ids)
        if self.input_projection is not None:
            inputs = self.input_projection(inputs)
        states = self.rnn(inputs, mask=mask, training=training)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        if self.pooling == "mean":
            pooled = ops.sum(states * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)
        elif self.pooling == "attention":
            # One learned query scores every step; padding gets no weight; an empty text pools to zeros.
            logits = ops.squeeze(self.attention(states), -1)
            logits = ops.where(mask, logits, -1e9)
            attention = ops.softmax(logits, axis=-1) * ops.cast(mask, states.dtype)
            pooled = ops.sum(states * ops.expand_dims(attention, -1), axis=1)
        elif self.pooling == "max":
            very_negative = ops.where(ops.expand_dims(mask, -1), states, -1e9)
            pooled = ops.where(ops.any(mask, axis=1, keepdims=True), ops.max(very_negative, axis=1), 0.0)
        else:
            pooled = states
        out = self.projection(pooled)
        if self.bag_projection is not None:
            mean_inputs = ops.sum(inputs * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)
            out = out + self.bag_projection(mean_inputs)
        return ops.normalize(out, axis=-1, order=2, epsilon=1e-12)

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
            input_dim=self.input_dim,
            bag=self.bag,
        )
        return config
