"""A rich progress bar for training: one bar per epoch, a log line with loss and validation MRR."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from answerbot.cli.common import console

__all__ = ["training_progress"]


@contextmanager
def training_progress() -> Iterator[Callable[[dict[str, Any]], None]]:
    """Yields the ``progress`` callback that ``train_dual_encoder`` calls per batch and per epoch."""
    with Progress(
        TextColumn("epoch {task.fields[epoch]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.4f}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("train", total=None, epoch=1, loss=0.0)

        def update(event: dict[str, Any]) -> None:
            if event["event"] == "batch":
                bar.update(
                    task, completed=event["batch"], total=event["batches"], epoch=event["epoch"], loss=event["loss"]
                )
            else:
                val = f", validation MRR@10 {event['val_mrr']:.4f}" if "val_mrr" in event else ""
                console.log(f"epoch {event['epoch']}: loss {event['loss']:.4f}{val} ({event['seconds']:.0f} s)")

        yield update
