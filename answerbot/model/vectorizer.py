"""Text -> padded token ids inside the graph: tokenizer, then the vocabulary (a SavedModel asset)."""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from answerbot.model.tokenizer import tokenize_graph
from answerbot.model.vocab import PAD_ID, UNK_ID

__all__ = ["TextVectorizer"]


class TextVectorizer(tf.Module):
    """Maps a [batch] string tensor to int64 ids [batch, time] (time >= 1, padded with 0).

    ``lang_aware``: each text is ``"<lang>\t<text>"`` and a token is looked up as ``<lang>:<token>``
    first, then as itself: the lookup of ``tagged`` and ``route`` merged tables, whose words of colliding
    (tagged) or of all (route) languages are stored per language (the language code as a model input).
    """

    def __init__(self, vocab_path: Path | str, max_tokens: int, lang_aware: bool = False) -> None:
        super().__init__(name="text_vectorizer")
        if max_tokens < 1:
            raise ValueError(f"max_tokens={max_tokens}: must be at least 1")
        self.max_tokens = max_tokens
        self.lang_aware = lang_aware
        self.vocab = tf.saved_model.Asset(str(vocab_path))
        initializer = tf.lookup.TextFileInitializer(
            self.vocab,
            key_dtype=tf.string,
            key_index=tf.lookup.TextFileIndex.WHOLE_LINE,
            value_dtype=tf.int64,
            value_index=tf.lookup.TextFileIndex.LINE_NUMBER,
        )
        self.table = tf.lookup.StaticHashTable(initializer, default_value=UNK_ID)

    def tokens(self, texts: tf.Tensor) -> tf.RaggedTensor:
        return tokenize_graph(texts)[:, : self.max_tokens]

    def _lang_aware_ids(self, texts: tf.Tensor) -> tf.RaggedTensor:
        parts = tf.strings.split(texts, sep="\t", maxsplit=1).to_tensor(default_value="", shape=[None, 2])
        tokens = self.tokens(parts[:, 1])
        langs = tf.gather(parts[:, 0], tokens.value_rowids())
        tagged = self.table.lookup(tf.strings.join([langs, tokens.flat_values], separator=":"))
        plain = self.table.lookup(tokens.flat_values)
        return tokens.with_flat_values(tf.where(tf.equal(tagged, UNK_ID), plain, tagged))

    def __call__(self, texts: tf.Tensor) -> tf.Tensor:
        ragged = self._lang_aware_ids(texts) if self.lang_aware else self.table.lookup(self.tokens(texts))
        ids = ragged.to_tensor(default_value=PAD_ID)
        missing = tf.maximum(1 - tf.shape(ids)[1], 0)  # an all-empty batch still gets one padded step
        return tf.pad(ids, [[0, 0], [0, missing]], constant_values=PAD_ID)
