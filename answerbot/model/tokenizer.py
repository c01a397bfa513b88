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
    """Replace each token made only of no-space scripts by its character bigrams.

    Only those tokens are split into characters: every token's pieces are indices into the tokens
    followed by the bigrams, so text without such scripts costs one regex match per token.
    """
    flat = tokens.flat_values
    count = tf.size(flat, out_type=tf.int64)
    is_no_space = tf.strings.regex_full_match(flat, _FULL)
    chars = tf.strings.unicode_split(tf.boolean_mask(flat, is_no_space), "UTF-8")
    bigrams = tf.strings.ngrams(chars, 2, separator="", preserve_short_sequences=True)
    itself = tf.RaggedTensor.from_row_lengths(tf.range(count), tf.ones([count], tf.int64))
    bigram_sources = bigrams.with_flat_values(count + tf.range(tf.size(bigrams.flat_values, out_type=tf.int64)))
    # Row i of ``sources`` is token i itself; row count + k the bigrams of the k-th no-space token.
    sources = tf.concat([itself, bigram_sources], axis=0)
    rank_among_no_space = tf.cumsum(tf.cast(is_no_space, tf.int64)) - 1
    rows = tf.where(is_no_space, count + rank_among_no_space, tf.range(count))
    pieces = tf.gather(sources, rows)
    values = tf.gather(tf.concat([flat, bigrams.flat_values], axis=0), pieces.flat_values)
    return tokens.with_flat_values(pieces.with_flat_values(values)).merge_dims(1, 2)


def tokenize_graph(texts: tf.Tensor) -> tf.RaggedTensor:
    """Tokenize a string tensor of shape [batch] into a ragged [batch, None] string tensor."""
    lowered = tf.strings.lower(texts, encoding="utf-8")
    cleaned = tf.strings.regex_replace(lowered, _DROP, " ")
    joined = tf.strings.regex_replace(tf.strings.regex_replace(cleaned, _GAP, r"\1\2"), _GAP, r"\1\2")
    spaced = tf.strings.regex_replace(joined, _RUN, r" \1 ")
    return _bigram_no_space_tokens(tf.strings.split(spaced))
