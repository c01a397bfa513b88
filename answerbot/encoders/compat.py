"""Start-up check: does the served model match the vectors already in the store?

What counts as a mismatch (the API refuses to start):

- stored vectors stamped with the served model version have another dimension than the served model;
- re-encoding a sample of those articles gives vectors that differ from the stored ones
  (cosine < ``min_cosine``): the "same" version number now names another model (a version folder
  re-exported in place, TF Serving pointed at another base path, another vocabulary).

What is *not* a mismatch: vectors from another model version (or none yet). They are stale: the
``answerbot reencode`` job encodes them; the API only reports how many there are.

The check reads a fixed-size sample (``sample`` articles with a vector of the served version), so it costs
the same on a store of any size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from answerbot.encoders.base import Encoder, EncoderError
from answerbot.store import Store
from answerbot.text import article_text

__all__ = ["ModelStoreMismatch", "StoreCheck", "check_model_matches_store"]


class ModelStoreMismatch(EncoderError):
    """The served model is not the model the store's current vectors were made with."""


@dataclass(frozen=True)
class StoreCheck:
    """What the check saw: the served version and how many of its stored vectors were re-encoded to compare."""

    model_version: str
    sampled: int


def check_model_matches_store(encoder: Encoder, store: Store, sample: int = 8, min_cosine: float = 0.999) -> StoreCheck:
    """Raise ModelStoreMismatch when the store's vectors of the served version were not made by it.

    Reads and encodes at most ``sample`` articles.
    """
    version = encoder.model_version
    picked = store.vectors.sample(version, sample)
    if not picked:
        return StoreCheck(version, 0)
    where = f"model {encoder.model_name!r} version {version}"
    dims = sorted({int(a.vector.shape[0]) for a in picked if a.vector is not None})
    if dims != [encoder.dim]:
        raise ModelStoreMismatch(
            f"{where} outputs dim {encoder.dim}, but the store holds vectors stamped with version "
            f"{version} of dim {dims}: this version number now names another model. Export the model under a new "
            "version number (then run `answerbot reencode`) or serve the model that made those vectors"
        )
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
            "the model that made the stored vectors. Export the model under a new version number (then run "
            "`answerbot reencode`) or serve the model that made those vectors"
        )
    return StoreCheck(version, len(picked))
