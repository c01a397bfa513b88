"""Per-account calibration: fitted on the account's own feedback once it has enough, else the model's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from answerbot.calibration import fit_calibration, save_calibrations
from answerbot.service.calibrations import Calibrations, Scope, effective_threshold
from answerbot.store import Account, FeedbackRecord, Interaction, Store

NOW = "2026-01-01T00:00:00.000000Z"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.sqlite(tmp_path / "store.sqlite")
    opened.accounts.create(Account("acme", None, None, False, NOW))
    yield opened
    opened.close()


def label(store: Store, resolved: int, rejected: int, seed: int = 0) -> None:
    """Interactions with feedback: resolved ones score high, rejected ones low."""
    rng = np.random.default_rng(seed)
    for n in range(resolved + rejected):
        right = n < resolved
        score = float(rng.uniform(0.6, 0.9) if right else rng.uniform(0.3, 0.6))
        iid = f"i{n:04d}"
        store.interactions.add(Interaction("acme", iid, NOW, NOW[:10], "en", ("a1",), score, "ticket"))
        kind, reason = ("resolution", None) if right else ("rejection", "not_related")
        store.feedback.add(FeedbackRecord("acme", iid, kind, "a1", reason, NOW[:10], NOW))


def global_calibration(root: Path) -> None:
    save_calibrations(root / "1", {"dense": fit_calibration(np.linspace(0, 1, 50), np.r_[np.zeros(25), np.ones(25)])})


def test_an_account_without_feedback_gets_the_global_calibration(store: Store, tmp_path: Path) -> None:
    global_calibration(tmp_path)
    chosen = Calibrations(store, tmp_path, 600).for_account(store.accounts.get("acme"), "1")
    assert chosen.scope is Scope.GLOBAL


def test_too_few_rejections_keep_the_global_calibration(store: Store, tmp_path: Path) -> None:
    global_calibration(tmp_path)
    label(store, resolved=190, rejected=19)
    chosen = Calibrations(store, tmp_path, 600).for_account(store.accounts.get("acme"), "1")
    assert chosen.scope is Scope.GLOBAL


def test_enough_feedback_fits_the_accounts_own(store: Store, tmp_path: Path) -> None:
    label(store, resolved=150, rejected=60)
    chosen = Calibrations(store, tmp_path, 600).for_account(store.accounts.get("acme"), "1")
    assert chosen.scope is Scope.ACCOUNT
    assert chosen.confidence(0.85) == 1.0 and chosen.confidence(0.4) == 0.0


def test_no_calibration_at_all(store: Store, tmp_path: Path) -> None:
    chosen = Calibrations(store, tmp_path, 600).for_account(store.accounts.get("acme"), "1")
    assert (chosen.scope, chosen.confidence(0.5)) == (None, None)


def test_effective_threshold_prefers_the_accounts_threshold_then_its_target() -> None:
    calibration = fit_calibration(np.linspace(0, 1, 50), np.r_[np.zeros(25), np.ones(25)])
    with_threshold = Account("a", None, 0.3, False, NOW)
    with_target = Account("a", None, None, False, NOW, target_precision=0.9)
    assert effective_threshold(with_threshold, 0.2, calibration) == 0.3
    # scores k/49, right from k = 25: at least 23/49 keeps 25 right of 27 (0.926), 22/49 25 of 28 (0.893)
    assert effective_threshold(with_target, 0.2, calibration) == pytest.approx(23 / 49)
    assert effective_threshold(with_target, 0.2, None) == 0.2
