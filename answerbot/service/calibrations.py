"""Which calibration turns an account's top score into a confidence, and its target precision into a threshold.

- **global**: the model version's calibration (``<model_root>/<version>/assets.extra/calibration.json``,
  written by ``answerbot calibrate``), for the account's scoring mode (``dense`` or ``hybrid``), read again
  at most every ``ANSWERBOT_CALIBRATION_REFIT_S`` seconds;
- **account**: once the account has at least 200 labelled interactions among its last 5,000 (feedback on
  them), with at least 20 resolved and 20 rejected, an isotonic map fitted on its own top scores (resolved
  without a rejection = the top article was right; any rejection = wrong: the customer read and refused an
  offered article, most often the first). It is refitted at most every ``ANSWERBOT_CALIBRATION_REFIT_S`` seconds. Only
  offered interactions get feedback, so it knows the scores above the threshold the account used.

A response states which one was used (``calibration``: ``"account"``, ``"global"`` or null when the model
has none). A target precision becomes the lowest threshold whose calibrated precision reaches it; a target
the calibration never reaches offers nothing (threshold above any score).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from answerbot.calibration import Calibration, CalibrationError, fit_calibration, load_calibrations
from answerbot.store import Account, Store

__all__ = [
    "MIN_EACH",
    "MIN_LABELLED",
    "UNREACHABLE",
    "Calibrations",
    "ChosenCalibration",
    "Scope",
    "effective_threshold",
]

MIN_LABELLED, MIN_EACH, LAST = 200, 20, 5000
UNREACHABLE = 1.001
"""The threshold of a target precision the calibration never reaches: above every cosine and fused score."""


class Scope(StrEnum):
    GLOBAL = "global"
    ACCOUNT = "account"


@dataclass(frozen=True)
class ChosenCalibration:
    """The calibration used for an account (None: none available) and where it came from."""

    calibration: Calibration | None
    scope: Scope | None

    def confidence(self, top_score: float | None) -> float | None:
        if self.calibration is None or top_score is None:
            return None
        return round(float(self.calibration.confidence(top_score)), 6)


NONE = ChosenCalibration(None, None)


def effective_threshold(account: Account, default: float, calibration: Calibration | None) -> float:
    """The account's score threshold, else its target precision's threshold (with a calibration), else ``default``."""
    if account.score_threshold is not None:
        return account.score_threshold
    if account.target_precision is not None and calibration is not None:
        threshold = calibration.threshold_for(account.target_precision)
        return UNREACHABLE if threshold is None else threshold
    return default


def fit_account_calibration(store: Store, account_id: str) -> Calibration | None:
    """The account's own calibration, or None while it has too little feedback."""
    labelled = [s for s in store.feedback.recent_scores(account_id, LAST) if s.top_score is not None]
    labelled = [s for s in labelled if s.resolved or s.rejected]
    resolved = sum(1 for s in labelled if s.resolved)
    rejected = sum(1 for s in labelled if s.rejected)
    if len(labelled) < MIN_LABELLED or resolved < MIN_EACH or rejected < MIN_EACH:
        return None
    scores = np.array([s.top_score for s in labelled], dtype=np.float64)
    right = np.array([1.0 if s.resolved and not s.rejected else 0.0 for s in labelled])
    return fit_calibration(scores, right, {"scope": "account", "account": account_id})


class Calibrations:
    """Global calibrations per model version (read once) and per-account ones (refitted when old)."""

    def __init__(self, store: Store, model_root: Path, refit_s: float) -> None:
        self._store, self._root, self._refit_s = store, Path(model_root), refit_s
        self._global: dict[str, tuple[float, dict[str, Calibration]]] = {}
        self._accounts: dict[str, tuple[float, Calibration | None]] = {}
        self._lock = threading.Lock()

    def global_for(self, version: str, mode: str) -> Calibration | None:
        """The model version's calibration of ``mode`` (``dense``/``hybrid``), or None; the file is read again
        when the last read is older than the refit interval (a calibration written later is picked up)."""
        cached = self._global.get(version)
        if cached is not None and time.monotonic() - cached[0] < self._refit_s:
            return cached[1].get(mode)
        try:
            found = load_calibrations(self._root / version)
        except CalibrationError:
            found = {}
        with self._lock:
            self._global[version] = (time.monotonic(), found)
        return found.get(mode)

    def account(self, account_id: str) -> Calibration | None:
        """The account's own calibration (None while it has too little feedback), refitted when old."""
        cached = self._accounts.get(account_id)
        if cached is not None and time.monotonic() - cached[0] < self._refit_s:
            return cached[1]
        fitted = fit_account_calibration(self._store, account_id)
        with self._lock:
            self._accounts[account_id] = (time.monotonic(), fitted)
        return fitted

    def fresh(self, account_id: str, version: str) -> bool:
        """Whether ``for_account`` would answer without reading the store or a file."""
        cached = self._accounts.get(account_id)
        return version in self._global and cached is not None and time.monotonic() - cached[0] < self._refit_s

    def for_account(self, account: Account, version: str) -> ChosenCalibration:
        """The account's own calibration when it has enough feedback, else the model version's, else none."""
        own = self.account(account.account_id)
        if own is not None:
            return ChosenCalibration(own, Scope.ACCOUNT)
        shared = self.global_for(version, "hybrid" if account.hybrid else "dense")
        return NONE if shared is None else ChosenCalibration(shared, Scope.GLOBAL)
