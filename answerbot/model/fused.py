"""The tower for inference, in core TensorFlow ops: packed sequences, so executed FLOPs are useful FLOPs.

``FusedEncoder`` reads the trained weights of a ``SharedEncoder`` and computes the same vectors
(float32 round-off apart) without padding work:

1. Texts are sorted by length (longest first) and their tokens packed time-major: step ``t`` holds
   the ``t``-th token of every text that has one, so the texts still running at step ``t`` are a
   prefix of the sorted batch (PyTorch's ``PackedSequence`` layout).
2. The input projection (``x · W + b`` of every gate, both directions) is one matrix product over
   all real tokens before the recurrence, as cuDNN-style kernels do. A tower's linear input
   projection (``input_dim``) is folded into the frozen table once, at construction: the graph
   looks up ``table · W_in`` directly (a smaller table, and no per-token product).
3. The recurrence runs step by step only over the running rows: ``n_t`` rows at step ``t``, so a
   batch of one long and many short texts costs the tokens it has, not ``batch × longest``. Both
   directions of a bidirectional layer step together in one batched product.
4. Pooling (mean, last, max, attention) and the bag-of-words path (``bag``: the mean of the looked-up
   vectors, projected and added) work on the packed rows with segment ops; the backward
   direction reads each text's valid tokens in reverse (padding never enters the recurrence), the
   Keras semantics for right-padded masked input.

Only the core ops a stock TF Serving binary runs are used. A tower this module cannot reproduce
exactly (an extra layer, another activation, a merge mode other than concat) raises
``UnsupportedEncoder`` naming what differs; the export then falls back to the Keras call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from answerbot.model.encoder import SharedEncoder

__all__ = ["FusedEncoder", "UnsupportedEncoder", "read_tower"]

_ACTIVATIONS: dict[str, Callable[[tf.Tensor], tf.Tensor]] = {
    "tanh": tf.tanh,
    "sigmoid": tf.sigmoid,
    "relu": tf.nn.relu,
    "linear": tf.identity,
}
# SharedEncoder's own config keys; a key outside these is a change this module has not learnt.
_KNOWN_CONFIG = {
    "vocab_size",
    "embed_dim",
    "hidden",
    "output_dim",
    "cell",
    "bidirectional",
    "pooling",
    "input_dim",
    "bag",
}
_KERAS_CONFIG = {"name", "trainable", "dtype"}
# Pads an L2 norm like ``keras.ops.normalize(epsilon=1e-12)``: x * min(rsqrt(sum x²), 1/eps).
_INV_EPSILON = 1e12


class UnsupportedEncoder(ValueError):
    """The tower has a part the fused graph does not reproduce; export it with the Keras call instead."""


@dataclass(frozen=True)
class RecurrentWeights:
    """One recurrent layer (1 or 2 directions) as stacked numpy weights.

    ``kernel`` [embed, directions·gates·hidden] holds every direction's input projection side by side;
    ``recurrent`` [directions, hidden, gates·hidden]; ``input_bias`` [directions·gates·hidden];
    ``recurrent_bias`` [directions, 1, gates·hidden] (GRU with ``reset_after``; zeros otherwise).
    """

    cell: str
    hidden: int
    directions: int
    reset_after: bool
    activation: str
    recurrent_activation: str
    kernel: np.ndarray
    recurrent: np.ndarray
    input_bias: np.ndarray
    recurrent_bias: np.ndarray

    @property
    def gates(self) -> int:
        return 3 if self.cell == "gru" else 4


@dataclass(frozen=True)
class Tower:
    """Everything the fused graph needs from a trained ``SharedEncoder``."""

    embeddings: np.ndarray  # the frozen table, times the input projection when the tower has one
    rnn: RecurrentWeights
    pooling: str
    attention_kernel: np.ndarray | None  # [directions·hidden]
    attention_bias: float
    projection_kernel: np.ndarray  # [directions·hidden, output_dim]
    projection_bias: np.ndarray  # [output_dim]
    bag_kernel: np.ndarray | None = None  # [embeddings dim, output_dim]


def _numpy(variable: Any) -> np.ndarray:
    return np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable, dtype=np.float32)


def _refuse(encoder: SharedEncoder, what: str) -> UnsupportedEncoder:
    config = {k: v for k, v in encoder.get_config().items() if k in _KNOWN_CONFIG}
    return UnsupportedEncoder(
        f"fused inference does not support {what} (encoder config {config}); export with graph='keras' "
        "or teach answerbot/model/fused.py this case"
    )


def _activation_name(encoder: SharedEncoder, fn: Any, where: str) -> str:
    name = getattr(fn, "__name__", str(fn))
    if name not in _ACTIVATIONS:
        raise _refuse(encoder, f"{where} activation {name!r} (supported: {sorted(_ACTIVATIONS)})")
    return name


def _direction(encoder: SharedEncoder, layer: Any, backwards: bool) -> dict[str, Any]:
    """Weights and settings of one keras GRU/LSTM layer, checked against what the fused step computes."""
    kind = type(layer).__name__
    if kind not in {"GRU", "LSTM"}:
        raise _refuse(encoder, f"recurrent layer {kind}")
    if getattr(layer, "stateful", False) or getattr(layer, "return_state", False):
        raise _refuse(encoder, f"a {kind} with stateful/return_state")
    if bool(getattr(layer, "go_backwards", False)) != backwards:
        raise _refuse(encoder, f"a {kind} with go_backwards={layer.go_backwards} in this position")
    cell = layer.cell
    units = int(cell.units)
    gates = 3 if kind == "GRU" else 4
    kernel, recurrent = _numpy(cell.kernel), _numpy(cell.recurrent_kernel)
    reset_after = bool(getattr(cell, "reset_after", False))
    input_bias = np.zeros(gates * units, np.float32)
    recurrent_bias = np.zeros(gates * units, np.float32)
    if cell.use_bias:
        bias = _numpy(cell.bias)
        if kind == "GRU" and reset_after:
            input_bias, recurrent_bias = bias[0], bias[1]
        else:
            input_bias = bias
    return {
        "cell": kind.lower(),
        "hidden": units,
        "reset_after": reset_after,
        "activation": _activation_name(encoder, cell.activation, f"{kind} cell"),
        "recurrent_activation": _activation_name(encoder, cell.recurrent_activation, f"{kind} recurrent"),
        "kernel": kernel,
        "recurrent": recurrent,
        "input_bias": input_bias,
        "recurrent_bias": recurrent_bias,
    }


def _recurrent_weights(encoder: SharedEncoder) -> RecurrentWeights:
    rnn = encoder.rnn
    if type(rnn).__name__ == "Bidirectional":
        if rnn.merge_mode != "concat":
            raise _refuse(encoder, f"Bidirectional(merge_mode={rnn.merge_mode!r})")
        parts = [_direction(encoder, rnn.forward_layer, False), _direction(encoder, rnn.backward_layer, True)]
    else:
        parts = [_direction(encoder, rnn, False)]
    settings = {k: parts[0][k] for k in ("cell", "hidden", "reset_after", "activation", "recurrent_activation")}
    if any({k: p[k] for k in settings} != settings for p in parts):
        raise _refuse(encoder, "forward and backward layers with different settings")
    return RecurrentWeights(
        **settings,
        directions=len(parts),
        kernel=np.concatenate([p["kernel"] for p in parts], axis=1),
        recurrent=np.stack([p["recurrent"] for p in parts]),
        input_bias=np.concatenate([p["input_bias"] for p in parts]),
        recurrent_bias=np.stack([p["recurrent_bias"][None, :] for p in parts]),
    )


def _held_layers(encoder: SharedEncoder) -> list[str]:
    """The attribute names under which ``encoder`` holds layers (``name[i]`` inside a list)."""
    held = []
    for name, value in vars(encoder).items():
        if name.startswith("_"):  # Keras' own bookkeeping
            continue
        if isinstance(value, keras.layers.Layer):
            held.append(name)
        elif isinstance(value, list | tuple):
            held += [f"{name}[{i}]" for i, item in enumerate(value) if isinstance(item, keras.layers.Layer)]
    return held


def read_tower(encoder: SharedEncoder) -> Tower:
    """The weights of ``encoder`` for the fused graph; ``UnsupportedEncoder`` when it has parts we do not know."""
    if not isinstance(encoder, SharedEncoder) or type(encoder).call is not SharedEncoder.call:
        raise UnsupportedEncoder(f"{type(encoder).__name__}: fused inference reads SharedEncoder towers only")
    unknown = sorted(set(encoder.get_config()) - _KNOWN_CONFIG - _KERAS_CONFIG)
    if unknown:
        raise _refuse(encoder, f"config keys {unknown}")
    dtype = getattr(getattr(encoder, "dtype_policy", None), "name", "float32")
    if dtype != "float32":
        raise _refuse(encoder, f"dtype policy {dtype!r}")
    expected = {"embedding", "rnn", "projection"} | ({"attention"} if encoder.pooling == "attention" else set())
    expected |= {"input_projection"} if encoder.input_projection is not None else set()
    expected |= {"bag_projection"} if encoder.bag_projection is not None else set()
    extra = sorted(set(_held_layers(encoder)) - expected)
    if extra:
        raise _refuse(encoder, f"layers {extra} beyond embedding, rnn, attention and projection")
    if getattr(encoder.embedding, "quantization_mode", None):
        raise _refuse(encoder, f"a quantized embedding ({encoder.embedding.quantization_mode})")
    projection = encoder.projection
    if _activation_name(encoder, projection.activation, "projection") != "linear":
        raise _refuse(encoder, f"projection activation {projection.activation.__name__!r}")
    attention_kernel, attention_bias = None, 0.0
    if encoder.pooling == "attention":
        attention = encoder.attention
        if _activation_name(encoder, attention.activation, "attention") != "linear":
            raise _refuse(encoder, f"attention activation {attention.activation.__name__!r}")
        attention_kernel = _numpy(attention.kernel)[:, 0]
        attention_bias = float(_numpy(attention.bias)[0]) if attention.use_bias else 0.0
    rnn = _recurrent_weights(encoder)
    out_dim = int(projection.units)
    embeddings = _numpy(encoder.embedding.embeddings)
    if encoder.input_projection is not None:
        if encoder.input_projection.use_bias:
            raise _refuse(encoder, "an input projection with a bias")
        embeddings = embeddings @ _numpy(encoder.input_projection.kernel)
    bag = encoder.bag_projection
    if bag is not None and bag.use_bias:
        raise _refuse(encoder, "a bag projection with a bias")
    return Tower(
        embeddings=embeddings,
        rnn=rnn,
        pooling=encoder.pooling,
        attention_kernel=attention_kernel,
        attention_bias=attention_bias,
        projection_kernel=_numpy(projection.kernel),
        projection_bias=_numpy(projection.bias) if projection.use_bias else np.zeros(out_dim, np.float32),
        bag_kernel=None if bag is None else _numpy(bag.kernel),
    )


@dataclass(frozen=True)
class Packing:
    """Where each real token of a length-sorted batch sits in the time-major packed layout.

    Row ``k`` of the packed layout is token ``step[k]`` of sorted text ``text[k]``; step ``t`` owns rows
    ``offsets[t] : offsets[t] + running[t]`` and they belong to sorted texts ``0 .. running[t] - 1``.
    """

    order: tf.Tensor  # [B] original index of each sorted position
    lengths: tf.Tensor  # [B] sorted lengths (real tokens)
    running: tf.Tensor  # [T] texts still running at each step
    offsets: tf.Tensor  # [T] first packed row of each step
    text: tf.Tensor  # [N] sorted text of each packed row
    step: tf.Tensor  # [N] step of each packed row
    ids: tf.Tensor  # [N] token id of each packed row

    @property
    def reversed_rows(self) -> tf.Tensor:
        """For packed row (text b, step t) the packed row of (b, length_b - 1 - t): the backward order."""
        last = tf.gather(self.lengths, self.text) - 1 - self.step
        return tf.gather(self.offsets, last) + self.text

    @property
    def last_rows(self) -> tf.Tensor:
        """[B] the packed row of each sorted text's last token; ``N`` (one past the rows) for an empty text."""
        offsets = tf.concat([self.offsets, [0]], 0)  # a valid index when every text is empty
        rows = tf.gather(offsets, tf.maximum(self.lengths - 1, 0)) + tf.range(tf.size(self.lengths))
        return tf.where(self.lengths > 0, rows, tf.size(self.ids))


def pack(ids: tf.Tensor) -> Packing:
    """Sort ``ids`` [B, T] by real length (id 0 is padding, wherever it is) and pack the real tokens."""
    real = tf.not_equal(ids, 0)
    lengths = tf.reduce_sum(tf.cast(real, tf.int32), axis=1)
    order = tf.argsort(lengths, direction="DESCENDING", stable=True)
    lengths = tf.gather(lengths, order)
    tokens = tf.ragged.boolean_mask(tf.gather(ids, order), tf.gather(real, order))  # real tokens, in order
    longest = tf.reduce_max(tf.concat([lengths, [0]], 0))
    steps = tf.range(longest)
    active = steps[:, None] < lengths[None, :]  # [T, B]
    running = tf.reduce_sum(tf.cast(active, tf.int32), axis=1)
    offsets = tf.cumsum(running, exclusive=True)
    batch = tf.size(lengths)
    text = tf.boolean_mask(tf.broadcast_to(tf.range(batch)[None, :], [longest, batch]), active)
    step = tf.boolean_mask(tf.broadcast_to(steps[:, None], [longest, batch]), active)
    packed_ids = tf.gather(tokens.flat_values, tf.gather(tokens.row_starts(), text) + tf.cast(step, tf.int64))
    return Packing(order, lengths, running, offsets, text, step, packed_ids)


class FusedEncoder(tf.Module):
    """Token ids [B, T] (0 = padding) -> L2-normalised vectors [B, d], like ``SharedEncoder.call``."""

    def __init__(self, encoder: SharedEncoder) -> None:
        super().__init__(name="fused_encoder")
        tower = read_tower(encoder)
        rnn = tower.rnn
        self.pooling = tower.pooling
        self.cell, self.hidden, self.directions = rnn.cell, rnn.hidden, rnn.directions
        self.reset_after = rnn.reset_after
        self._activation = _ACTIVATIONS[rnn.activation]
        self._recurrent_activation = _ACTIVATIONS[rnn.recurrent_activation]
        self.output_dim = int(tower.projection_kernel.shape[1])

        def constant(value: np.ndarray, name: str) -> tf.Variable:
            return tf.Variable(value.astype(np.float32), trainable=False, name=name)

        self.embeddings = constant(tower.embeddings, "embeddings")
        self.kernel = constant(rnn.kernel, "input_kernel")
        self.input_bias = constant(rnn.input_bias, "input_bias")
        squeeze = rnn.directions == 1  # one direction steps with plain 2-D products
        self.recurrent = constant(rnn.recurrent[0] if squeeze else rnn.recurrent, "recurrent_kernel")
        self.recurrent_bias = constant(rnn.recurrent_bias[0, 0] if squeeze else rnn.recurrent_bias, "recurrent_bias")
        self.attention_kernel = (
            constant(tower.attention_kernel.reshape(rnn.directions, rnn.hidden), "attention_kernel")
            if tower.attention_kernel is not None
            else None
        )
        self.attention_bias = tower.attention_bias
        self.projection_kernel = constant(tower.projection_kernel, "projection_kernel")
        self.projection_bias = constant(tower.projection_bias, "projection_bias")
        self.bag_kernel = None if tower.bag_kernel is None else constant(tower.bag_kernel, "bag_kernel")

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int64, name="ids")])
    def __call__(self, ids: tf.Tensor) -> tf.Tensor:
        packing = pack(ids)
        vectors = tf.gather(self.embeddings, packing.ids)  # [N, embeddings dim]
        states = self._recurrence(packing, vectors)  # [N, directions, hidden], each direction in its packed order
        pooled = self._pool(states, packing)  # [B, directions * hidden], sorted order
        projected = tf.matmul(pooled, self.projection_kernel) + self.projection_bias
        if self.bag_kernel is not None:
            total = tf.math.unsorted_segment_sum(vectors, packing.text, tf.size(packing.lengths))
            mean = total / tf.maximum(tf.cast(packing.lengths, tf.float32), 1.0)[:, None]
            projected += tf.matmul(mean, self.bag_kernel)
        projected = tf.gather(projected, tf.math.invert_permutation(packing.order))
        inverse_norm = tf.math.rsqrt(tf.reduce_sum(tf.square(projected), axis=-1, keepdims=True))
        return projected * tf.minimum(inverse_norm, _INV_EPSILON)

    def _input_projection(self, packing: Packing, vectors: tf.Tensor) -> tf.Tensor:
        """Every token's input projection for every gate and direction as one matrix product:
        [N, G·H] for one direction, [N, D, G·H] for two (the backward rows in the backward packed order)."""
        projected = tf.matmul(vectors, self.kernel) + self.input_bias
        if self.directions == 1:
            return projected
        forward, backward = tf.split(projected, 2, axis=1)
        return tf.stack([forward, tf.gather(backward, packing.reversed_rows)], axis=1)

    def _recurrence(self, packing: Packing, vectors: tf.Tensor) -> tf.Tensor:
        """[N, H] (one direction) or [N, D, H]: the state after each packed row's token."""
        steps = tf.size(packing.running)
        projected = self._input_projection(packing, vectors)
        inputs = tf.TensorArray(
            tf.float32, size=steps, infer_shape=False, element_shape=tf.TensorShape([None, *projected.shape[1:]])
        ).split(projected, packing.running)
        per_step = [None, self.hidden] if self.directions == 1 else [None, self.directions, self.hidden]
        outputs = tf.TensorArray(tf.float32, size=steps, infer_shape=False, element_shape=tf.TensorShape(per_step))
        # The state is [n, H] (one direction) or [D, n, H] (both directions step in one batched product).
        state_shape = [None, self.hidden] if self.directions == 1 else [self.directions, None, self.hidden]
        first = tf.reduce_max(tf.concat([packing.running, [0]], 0))
        zeros = tf.zeros([first, self.hidden] if self.directions == 1 else [self.directions, first, self.hidden])
        state = (zeros, zeros) if self.cell == "lstm" else (zeros,)

        def body(t: tf.Tensor, state: tuple[tf.Tensor, ...], outputs: tf.TensorArray) -> tuple[Any, ...]:
            x = inputs.read(t)
            if self.directions == 2:
                x = tf.transpose(x, [1, 0, 2])
            n = packing.running[t]  # running rows are a prefix: the texts that ended drop off the end
            state = self._step(x, tuple(s[..., :n, :] for s in state))
            h = state[0] if self.directions == 1 else tf.transpose(state[0], [1, 0, 2])
            return t + 1, state, outputs.write(t, h)

        _, _, outputs = tf.while_loop(
            lambda t, *_: t < steps,
            body,
            (tf.constant(0), state, outputs),
            shape_invariants=(tf.TensorShape([]), tuple(tf.TensorShape(state_shape) for _ in state), None),
        )
        return tf.cond(steps > 0, outputs.concat, lambda: tf.zeros([0, *per_step[1:]], tf.float32))

    def _step(self, x: tf.Tensor, state: tuple[tf.Tensor, ...]) -> tuple[tf.Tensor, ...]:
        """One time step of the running rows: x [..., n, G·H], state [..., n, H] (leading axis: directions)."""
        units, act, rec = self.hidden, self._activation, self._recurrent_activation
        h = state[0]
        if self.cell == "lstm":
            i, f, g, o = tf.split(x + tf.matmul(h, self.recurrent), 4, axis=-1)
            c = rec(f) * state[1] + rec(i) * act(g)
            return rec(o) * act(c), c
        x_zr, x_h = tf.split(x, [2 * units, units], axis=-1)
        if self.reset_after:
            inner_zr, inner_h = tf.split(tf.matmul(h, self.recurrent) + self.recurrent_bias, [2 * units, units], -1)
            z, r = tf.split(rec(x_zr + inner_zr), 2, axis=-1)
            candidate = act(x_h + r * inner_h)
        else:
            recurrent_zr, recurrent_h = tf.split(self.recurrent, [2 * units, units], axis=-1)
            z, r = tf.split(rec(x_zr + tf.matmul(h, recurrent_zr)), 2, axis=-1)
            candidate = act(x_h + tf.matmul(r * h, recurrent_h))
        return (candidate + z * (h - candidate),)

    def _pool(self, states: tf.Tensor, packing: Packing) -> tf.Tensor:
        batch = tf.size(packing.lengths)
        nonempty = (packing.lengths > 0)[:, None]
        width = self.directions * self.hidden
        if self.pooling == "last":  # an empty text's last state is the zero initial state
            flat = tf.concat([tf.reshape(states, [-1, width]), tf.zeros([1, width])], 0)
            return tf.gather(flat, packing.last_rows)
        if self.pooling == "attention":
            return self._attention(states, packing)
        flat = tf.reshape(states, [-1, width])  # pooling over a text's rows needs no alignment of directions
        if self.pooling == "max":
            return tf.where(nonempty, tf.math.unsorted_segment_max(flat, packing.text, batch), 0.0)
        total = tf.math.unsorted_segment_sum(flat, packing.text, batch)
        return total / tf.maximum(tf.cast(packing.lengths, tf.float32), 1.0)[:, None]

    def _attention(self, states: tf.Tensor, packing: Packing) -> tf.Tensor:
        """Softmax over each text's positions of one learned score; the backward states are realigned by
        position (their packed order runs each text in reverse)."""
        assert self.attention_kernel is not None
        batch = tf.size(packing.lengths)
        states = tf.reshape(states, [-1, self.directions, self.hidden])
        scores = tf.einsum("ndh,dh->nd", states, self.attention_kernel)
        logits = scores[:, 0] + self.attention_bias
        if self.directions == 2:
            logits += tf.gather(scores[:, 1], packing.reversed_rows)
        peak = tf.math.unsorted_segment_max(logits, packing.text, batch)
        weights = tf.exp(logits - tf.gather(peak, packing.text))
        weights /= tf.gather(tf.math.unsorted_segment_sum(weights, packing.text, batch), packing.text)
        per_direction = [weights]
        if self.directions == 2:
            per_direction.append(tf.gather(weights, packing.reversed_rows))
        pooled = [
            tf.math.unsorted_segment_sum(states[:, d] * w[:, None], packing.text, batch)
            for d, w in enumerate(per_direction)
        ]
        return tf.concat(pooled, axis=1)
