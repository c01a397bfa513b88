"""Serve a new language without retraining the core: grow a trained model's vocabulary.

The new merged table must keep every existing row in place (``answerbot embeddings add-language``
builds it so). The core (RNN, pooling, projection) and the existing embedding rows, padding and
unknown-word row included, are copied unchanged; only the new words' rows are appended.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.model.encoder import SharedEncoder
from answerbot.model.training import VOCAB_FILE, TrainedModel
from answerbot.model.vocab import PAD, UNK, read_vocab, write_vocab

RESERVED = (PAD, UNK)  # rows before the table's words

__all__ = ["extend_vocabulary"]


def extend_vocabulary(model: TrainedModel, table: EmbeddingTable, work_dir: Path) -> TrainedModel:
    """``model`` reading ``table``'s words (a superset with the old words first, in order)."""
    old_words = read_vocab(model.vocab_path)
    known = old_words[len(RESERVED) :]
    if table.words[: len(known)] != known:
        raise TableError(
            "table: its first words are not the model's vocabulary in order; build it with "
            "`answerbot embeddings add-language MERGED NEW_TABLE` from the table the model was trained on"
        )
    if table.dim != model.encoder.embed_dim:
        raise TableError(f"table dim {table.dim} differs from the model's {model.encoder.embed_dim}")
    old = model.encoder
    old_matrix = np.asarray(old.embedding.embeddings.numpy(), dtype=np.float32)
    added = np.asarray(table.vectors[len(known) :], dtype=np.float32)
    matrix = np.concatenate([old_matrix, added])
    config = {k: v for k, v in old.get_config().items() if k not in {"name", "trainable", "dtype", "vocab_size"}}
    grown = SharedEncoder(vocab_size=matrix.shape[0], embedding_matrix=matrix, **config)
    grown(np.zeros((1, 1), dtype=np.int64))
    for mine, theirs in zip(grown.layers, old.layers, strict=True):
        if mine is not grown.embedding:
            mine.set_weights(theirs.get_weights())
    words = [*old_words, *table.words[len(known) :]]
    vocab_path = write_vocab(words, work_dir / VOCAB_FILE)
    record = {**model.record, "table": table.meta, "extended_from_vocab": len(old_words)}
    return TrainedModel(grown, vocab_path, model.config, list(model.history), record)
