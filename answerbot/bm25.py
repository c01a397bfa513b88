"""BM25 over the same tokens the model sees (``answerbot.text.tokenize``), via ``bm25s``: hybrid scoring and the
lexical fallback of the service, and the BM25 baseline of the evaluations."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np

from answerbot.text import tokenize

__all__ = ["Bm25Ranker"]


class Bm25Ranker:
    """Scores every document of a fixed collection for a query."""

    def __init__(self, documents: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        if not documents:
            raise ValueError("documents: empty; BM25 needs at least one document")
        self._size = len(documents)
        self._retriever = bm25s.BM25(k1=k1, b=b)
        self._retriever.index([tokenize(doc) for doc in documents], show_progress=False)
        self._vocab = self._retriever.vocab_dict

    def scores(self, query: str) -> np.ndarray:
        """float32 [n_documents]; words unknown to the collection add nothing."""
        known = [t for t in tokenize(query) if t in self._vocab and t != ""]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)
