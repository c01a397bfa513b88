"""`answerbot train` and `answerbot export`: the dual encoder and its SavedModel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from answerbot.cli.common import console, friendly_errors
from answerbot.settings import get_settings

__all__ = ["export", "train"]


@friendly_errors
def train(
    table: Annotated[Path, typer.Option(help="Merged table folder (frozen embedding).")],
    pairs: Annotated[Path, typer.Option(help="JSONL of {query, document, doc_key?} pairs.")],
    out: Annotated[Path, typer.Option(help="Run folder to write (encoder.keras, vocab.txt, train.json).")],
    epochs: int = 5,
    batch_size: int = 64,
    hidden: int = 128,
    output_dim: int = 128,
    cell: str = "gru",
    pooling: str = "mean",
    max_tokens: int = 128,
    learning_rate: float = 2e-3,
    temperature: float = 0.05,
    seed: int = 0,
) -> None:
    """Train the shared GRU/LSTM dual encoder with in-batch softmax over a frozen merged table."""
    from answerbot.data.pairs import read_pairs
    from answerbot.embeddings.table import EmbeddingTable
    from answerbot.model.training import TrainConfig, train_dual_encoder

    config = TrainConfig(
        hidden=hidden,
        output_dim=output_dim,
        cell=cell,
        pooling=pooling,
        max_tokens=max_tokens,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        temperature=temperature,
        seed=seed,
    )
    records = read_pairs(pairs)
    model = train_dual_encoder(
        records,
        EmbeddingTable.load(table),
        out,
        config,
        progress=lambda e: console.log(f"epoch {e['epoch']}: loss {e['loss']:.4f}"),
    )
    model.save(out)
    console.print(
        f"[green]ok[/green] trained on {len(records)} pairs in {model.record['train_seconds']:.0f} s -> {out}"
    )


@friendly_errors
def export(
    run: Annotated[Path, typer.Option(help="Run folder written by `answerbot train`.")],
    model_root: Annotated[Path | None, typer.Option(help="Versions folder (default: ANSWERBOT_MODEL_ROOT).")] = None,
    version: Annotated[int | None, typer.Option(help="Version number (default: next free).")] = None,
) -> None:
    """Export a trained run as a SavedModel version (text -> L2-normalised embedding)."""
    from answerbot.model.export import export_model
    from answerbot.model.training import TrainedModel

    target = export_model(TrainedModel.load(run), model_root or get_settings().model_root, version)
    console.print(f"[green]ok[/green] exported {target}")
