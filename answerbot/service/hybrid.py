"""Hybrid scoring: the dense cosine fused with BM25 over the same article texts (per-account setting).

Fusion is a weighted sum of the cosine and the BM25 score divided by the best BM25 score of the account
for this enquiry: ``(1 - w) * cosine + w * bm25 / max(bm25)``, with ``w = ANSWERBOT_HYBRID_WEIGHT``. The
result stays on the cosine's scale (at most 1), so one score threshold serves both modes.
"""

from __future__ import annotations

import numpy as np

from answerbot.bm25 import Bm25Ranker
from answerbot.index import AccountIndex

__all__ = ["bm25_scores", "fuse"]


def bm25_scores(index: AccountIndex, enquiry: str) -> np.ndarray:
    """BM25 of every article of the index for ``enquiry`` (the index is built once per cached AccountIndex)."""
    if len(index) == 0:
        return np.zeros(0, dtype=np.float32)
    ranker: Bm25Ranker = index.extra("bm25", lambda: Bm25Ranker(index.texts))
    return ranker.scores(enquiry)


def fuse(dense: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
    """``(1 - weight) * dense + weight * lexical / max(lexical)``; lexical adds nothing when all zero."""
    top = float(lexical.max()) if lexical.size else 0.0
    normalised = lexical / top if top > 0 else np.zeros_like(lexical)
    return ((1.0 - weight) * dense + weight * normalised).astype(np.float32)
