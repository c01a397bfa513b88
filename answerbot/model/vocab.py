"""The model vocabulary: row 0 padding, row 1 unknown word, then the merged table's words."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from answerbot.embeddings.table import EmbeddingTable

__all__ = ["PAD", "PAD_ID", "UNK", "UNK_ID", "embedding_matrix", "read_vocab", "vocab_words", "write_vocab"]

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1


def vocab_words(table: EmbeddingTable) -> list[str]:
    """The model's id -> word list for ``table``."""
    return [PAD, UNK, *table.words]


def embedding_matrix(table: EmbeddingTable) -> np.ndarray:
    """float32 [len(table) + 2, dim]: zero padding row, the mean vector as the unknown row, the table."""
    vectors = np.asarray(table.vectors, dtype=np.float32)
    unk = vectors.mean(axis=0, keepdims=True)
    return np.concatenate([np.zeros_like(unk), unk, vectors], axis=0)


def write_vocab(words: list[str], path: Path) -> Path:
    """One word per line, line number = id (the format of the SavedModel's vocabulary asset)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(words) + "\n", encoding="utf-8")
    return path


def read_vocab(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]
