"""Start-up check: does the served model match the vectors already in the store?

What counts as a mismatch (the API refuses to start):

- stored vectors stamped with the served model version have another dimension than the served model;
- re-encoding a sample of those articles gives vectors that differ from the stored ones
  (cosine < ``min_cosine``): the "same" version number now names another model (a version folder
  re-exported in place, TF Serving pointed at another base path, another vocabulary).

What is *not* a mismatch: vectors from another model version (or none yet). They are stale, and the
service re-encodes them at start (``RankingService.reencode_stale``), whatever their dimension.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from answerbot.encoders.base import Encoder, EncoderError
from answerbot.store.base import ArticleStore
from answerbot.text import article_text

__all__ = ["ModelStoreMismatch", "StoreCheck", "check_model_matches_store"]

_NO_VERSION = "\x00no-model-version"  # never stamped, so ``stale`` of it lists every article


class ModelStoreMismatch(EncoderError):
    """The served model is not the model the store's current vectors were made with."""


@dataclass(frozen=True)
class StoreCheck:
    """What the check saw: vectors of the served version, stale ones, and how many were re-encoded."""

    model_version: str
    current: int
    stale: int
    sampled: int


def check_model_matches_store(
    encoder: Encoder, store: ArticleStore, sample: int = 8, min_cosine: float = 0.999
) -> StoreCheck:
    """Raise ModelStoreMismatch when the store's vectors of the served version were not made by it.

    Reads every article once (O(articles)); encodes at most ``sample`` of them.
    """
    version = encoder.model_version
    articles = store.stale(_NO_VERSION)
    current = [a for a in articles if a.model_version == version and a.vector is not None]
    if not current:
        return StoreCheck(version, 0, len(articles), 0)
    where = f"model {encoder.model_name!r} version {version}"
    dims = sorted({int(a.vector.shape[0]) for a in current if a.vector is not None})
    if dims != [encoder.dim]:
        raise ModelStoreMismatch(
            f"{where} outputs dim {encoder.dim}, but the store holds {len(current)} vectors stamped with version "
            f"{version} of dim {dims}: this version number now names another model. Export the model under a new "
            "version number (the API then re-encodes the store) or serve the model that made those vectors"
        )
    picked = current[:: max(1, len(current) // sample)][:sample]
    fresh = encoder.encode([article_text(a.title, a.body) for a in picked])
    stored = np.stack([np.asarray(a.vector, dtype=np.float32) for a in picked])
    cosines = np.sum(fresh * stored, axis=1) / np.maximum(
        np.linalg.norm(fresh, axis=1) * np.linalg.norm(stored, axis=1), 1e-12
    )
    worst = int(np.argmin(cosines))
    if cosines[worst] < min_cosine:
        bad = picked[worst]
        raise ModelStoreMismatch(
            f"{where}: re-encoding article {bad.article_id!r} of account {bad.account!r} gives cosine "
            f"{cosines[worst]:.4f} to its stored vector (need >= {min_cosine}): the served version {version} is not "
            "the model that made the stored vectors. Export the model under a new version number (the API then "
            "re-encodes the store) or serve the model that made those vectors"
        )
    return StoreCheck(version, len(current), len(articles) - len(current), len(picked))
