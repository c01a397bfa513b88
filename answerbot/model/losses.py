"""The losses of the shared tower: in-batch softmax for task pairs, cosine distance to a teacher."""

from __future__ import annotations

import tensorflow as tf

__all__ = ["distill_loss", "in_batch_loss"]


def in_batch_loss(
    queries: tf.Tensor,
    documents: tf.Tensor,
    doc_keys: tf.Tensor,
    temperature: float,
    negatives: tf.Tensor | None = None,
    negative_keys: tf.Tensor | None = None,
) -> tf.Tensor:
    """Symmetric in-batch softmax cross-entropy; duplicates of a row's own document are masked out.

    ``negatives`` [batch, dim] are hard negatives (a rejected article per row, ``negative_keys`` -1 where a
    row has none): every query's softmax over the batch's documents also scores every row's negative (each
    negative is a wrong answer to its own query and, being another account's or ticket's article, to the
    others'), except where the negative is the query's own document.
    """
    logits = tf.matmul(queries, documents, transpose_b=True) / temperature
    same = tf.equal(doc_keys[:, None], doc_keys[None, :])
    eye = tf.eye(tf.shape(logits)[0], dtype=tf.bool)
    logits = tf.where(same & ~eye, tf.constant(-1e9, logits.dtype), logits)
    labels = tf.range(tf.shape(logits)[0])
    backward = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, tf.transpose(logits))
    if negatives is not None and negative_keys is not None:
        hard = tf.matmul(queries, negatives, transpose_b=True) / temperature
        masked = tf.equal(doc_keys[:, None], negative_keys[None, :]) | tf.less(negative_keys, 0)[None, :]
        logits = tf.concat([logits, tf.where(masked, tf.constant(-1e9, hard.dtype), hard)], axis=1)
    forward = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
    return tf.reduce_mean(forward + backward) / 2.0


def distill_loss(student: tf.Tensor, teacher: tf.Tensor) -> tf.Tensor:
    """Mean of ``1 - cos(student row, teacher row)`` (0 for an empty batch)."""
    cos = tf.reduce_sum(tf.math.l2_normalize(student, -1) * tf.math.l2_normalize(teacher, -1), axis=-1)
    return tf.cond(tf.size(cos) > 0, lambda: tf.reduce_mean(1.0 - cos), lambda: tf.constant(0.0, cos.dtype))
