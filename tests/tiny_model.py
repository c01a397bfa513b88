"""A tiny real model for tests: 10-word-ish vocabulary, dim 8, trained on a handful of pairs, exported."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from answerbot.data.records import Pair
from answerbot.embeddings.table import EmbeddingTable
from answerbot.model.training import TrainConfig, TrainedModel, train_dual_encoder

__all__ = ["TINY_DOCS", "TINY_PAIRS", "tiny_table", "train_tiny_model"]

TINY_DOCS = {
    "password": "reset your password from the login page",
    "order": "track your order with the shipping number",
    "refund": "refunds reach your card within five days",
    "invoice": "download the invoice from billing",
    "sync": "sync stops when the folder is shared",
}
TINY_PAIRS = [
    Pair(query, TINY_DOCS[key], key)
    for key, queries in {
        "password": ["forgot password", "cannot login"],
        "order": ["where is my order", "shipping number"],
        "refund": ["money back", "refund card"],
        "invoice": ["need invoice", "billing document"],
        "sync": ["folder not syncing", "sync broken"],
    }.items()
    for query in queries
]


def tiny_table(dim: int = 8, seed: int = 0) -> EmbeddingTable:
    words = sorted({w for p in TINY_PAIRS for w in f"{p.query} {p.document}".split()})
    rng = np.random.default_rng(seed)
    return EmbeddingTable(words, rng.standard_normal((len(words), dim)).astype(np.float32), "en")


def train_tiny_model(work_dir: Path, epochs: int = 60) -> TrainedModel:
    config = TrainConfig(hidden=8, output_dim=8, epochs=epochs, batch_size=10, learning_rate=0.03, temperature=0.1)
    return train_dual_encoder(TINY_PAIRS, tiny_table(), work_dir, config)
