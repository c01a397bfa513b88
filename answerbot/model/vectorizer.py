"""Text -> padded token ids inside the graph: tokenizer, then the vocabulary (a SavedModel asset)."""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from answerbot.model.tokenizer import tokenize_graph
from answerbot.model.vocab import PAD_ID, UNK_ID

__all__ = ["TextVectorizer"]


class TextVectorizer(tf.Module):
    """Maps a [batch] string tensor to int64 ids [batch, time] (time >= 1, padded with 0)."""

    def __init__(self, vocab_path: Path | str, max_tokens: int) -> None:
        super().__init__(name="text_vectorizer")
        if max_tokens < 1:
            raise ValueError(f"max_tokens={max_tokens}: must be at least 1")
        self.max_tokens = max_tokens
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

    def __call__(self, texts: tf.Tensor) -> tf.Tensor:
        ids = self.table.lookup(self.tokens(texts)).to_tensor(default_value=PAD_ID)
        missing = tf.maximum(1 - tf.shape(ids)[1], 0)  # an all-empty batch still gets one padded step
        return tf.pad(ids, [[0, 0], [0, missing]], constant_values=PAD_ID)
