"""The in-graph tokenizer: the rules of ``answerbot.text`` written with core TensorFlow string ops.

Only core ops are used (``tf.strings.lower``, RE2 regexes, ``unicode_split``, ``ngrams``) so the
exported SavedModel runs in a stock TensorFlow Serving binary.
"""

from __future__ import annotations

import tensorflow as tf

from answerbot.text import no_space_class_re2

__all__ = ["tokenize_graph"]

_NS = no_space_class_re2()
_DROP = r"[^\p{L}\p{N}\p{M}]+"
_GAP = f"({_NS})\\s+({_NS})"
_RUN = f"({_NS}+)"
_FULL = f"{_NS}+"


def _bigram_no_space_tokens(tokens: tf.RaggedTensor) -> tf.RaggedTensor:
    """Replace each token made only of no-space scripts by its character bigrams."""
    flat = tokens.flat_values
    is_no_space = tf.strings.regex_full_match(flat, _FULL)
    chars = tf.strings.unicode_split(flat, "UTF-8")
    bigrams = tf.strings.ngrams(chars, 2, separator="", preserve_short_sequences=True)
    single = tf.RaggedTensor.from_row_lengths(flat, tf.ones([tf.shape(flat)[0]], dtype=tf.int64))
    both = tf.concat([bigrams, single], axis=1)  # row i: bigrams of token i, then token i itself
    lengths = both.row_lengths()
    rows = both.value_rowids()
    position = tf.range(tf.size(rows, out_type=tf.int64)) - tf.gather(both.row_starts(), rows)
    last = tf.gather(lengths, rows) - 1
    keep = tf.where(tf.gather(is_no_space, rows), position < last, position == last)
    pieces = tf.ragged.boolean_mask(both, both.with_flat_values(keep))
    return tokens.with_flat_values(pieces).merge_dims(1, 2)


def tokenize_graph(texts: tf.Tensor) -> tf.RaggedTensor:
    """Tokenize a string tensor of shape [batch] into a ragged [batch, None] string tensor."""
    lowered = tf.strings.lower(texts, encoding="utf-8")
    cleaned = tf.strings.regex_replace(lowered, _DROP, " ")
    joined = tf.strings.regex_replace(tf.strings.regex_replace(cleaned, _GAP, r"\1\2"), _GAP, r"\1\2")
    spaced = tf.strings.regex_replace(joined, _RUN, r" \1 ")
    return _bigram_no_space_tokens(tf.strings.split(spaced))
