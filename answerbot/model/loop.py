"""The epoch loop every training of the shared tower runs: batches, progress, validation, early stopping."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from answerbot.model.encoder import SharedEncoder

__all__ = ["EpochResult", "run_epochs"]

B = TypeVar("B")
EpochResult = dict[str, float]


def run_epochs(
    encoder: SharedEncoder,
    epochs: int,
    patience: int,
    seed: int,
    epoch_batches: Callable[[np.random.Generator], Sequence[B]],
    step: Callable[[B], float],
    score: Callable[[], float] | None = None,
    score_name: str = "val",
    progress: Callable[[dict[str, Any]], None] | None = None,
    checkpoint_dir: Path | None = None,
) -> tuple[list[EpochResult], dict[str, float]]:
    """Run up to ``epochs`` epochs of ``step`` over ``epoch_batches(rng)``; return (history, record).

    With ``score`` (higher is better), each epoch is scored; training stops after ``patience`` epochs
    without improvement and the encoder keeps the best epoch's weights (also written to
    ``checkpoint_dir/best.weights.h5`` when given). ``progress`` gets one dict per batch and per epoch.
    """
    rng = np.random.default_rng(seed)
    history: list[EpochResult] = []
    record: dict[str, float] = {}
    best, best_weights, stale_epochs = -np.inf, None, 0
    started = time.perf_counter()
    for epoch in range(1, epochs + 1):
        batches = epoch_batches(rng)
        losses = []
        for number, batch in enumerate(batches, start=1):
            losses.append(step(batch))
            if progress:
                progress(
                    {"event": "batch", "epoch": epoch, "batch": number, "batches": len(batches), "loss": losses[-1]}
                )
        entry: EpochResult = {
            "epoch": epoch,
            "loss": float(np.mean(losses)) if losses else float("nan"),
            "seconds": time.perf_counter() - started,
        }
        if score is not None:
            entry[score_name] = score()
        history.append(entry)
        if progress:
            progress({"event": "epoch", **entry})
        if score is None:
            continue
        if entry[score_name] > best:
            best, best_weights, stale_epochs = entry[score_name], encoder.get_weights(), 0
            if checkpoint_dir is not None:
                checkpoint_dir.mkdir(parents=True, exist_ok=True)
                encoder.save_weights(checkpoint_dir / "best.weights.h5")
        else:
            stale_epochs += 1
            if stale_epochs >= patience:
                break
    if best_weights is not None:
        encoder.set_weights(best_weights)
        record[f"best_{score_name}"] = float(best)
    record["train_seconds"] = time.perf_counter() - started
    return history, record
