"""`answerbot train` and `answerbot export`: the dual encoder and its SavedModel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from answerbot.cli.common import DataDir, console, data_dir_or_default, friendly_errors
from answerbot.settings import get_settings

__all__ = ["export", "extend", "train"]


@friendly_errors
def train(
    table: Annotated[Path, typer.Option(help="Merged table folder (frozen embedding).")],
    out: Annotated[Path, typer.Option(help="Run folder to write (encoder.keras, vocab.txt, train.json).")],
    pairs: Annotated[list[Path] | None, typer.Option(help="Pairs file: .jsonl, .csv or .xlsx (repeatable).")] = None,
    qa: Annotated[list[Path] | None, typer.Option(help="SQuAD-format QA file (repeatable).")] = None,
    feedback: Annotated[
        list[Path] | None, typer.Option(help="`answerbot feedback export` file (repeatable): rejections as negatives.")
    ] = None,
    support_kb: Annotated[str | None, typer.Option(help="Support-KB languages, e.g. de,fr (train ids).")] = None,
    english_titles: Annotated[float, typer.Option(help="Share of KB articles also paired title_en -> body.")] = 0.0,
    cross_language: Annotated[float, typer.Option(help="Share paired with another language's title.")] = 0.0,
    data_dir: DataDir = None,
    config: Annotated[Path | None, typer.Option(help="TOML training config; options below override it.")] = None,
    validation_share: Annotated[float, typer.Option(help="Documents held out for early stopping.")] = 0.05,
    skip_bad: Annotated[bool, typer.Option(help="Skip (and count) bad rows instead of stopping.")] = False,
    epochs: int | None = None,
    batch_size: int | None = None,
    hidden: int | None = None,
    output_dim: int | None = None,
    cell: Annotated[str | None, typer.Option(help="gru or lstm.")] = None,
    bidirectional: bool | None = None,
    pooling: Annotated[str | None, typer.Option(help="mean, last, max or attention.")] = None,
    max_tokens: int | None = None,
    learning_rate: float | None = None,
    temperature: float | None = None,
    hard_negatives: Annotated[bool | None, typer.Option(help="Batches within one account/group.")] = None,
    patience: int | None = None,
    seed: int | None = None,
) -> None:
    """Train the shared GRU/LSTM dual encoder (in-batch softmax, frozen merged table, early stopping)."""
    from answerbot.cli.progress import training_progress
    from answerbot.data.training_set import gather_pairs, split_validation
    from answerbot.embeddings.table import EmbeddingTable
    from answerbot.model.training import TrainConfig, train_dual_encoder

    overrides = dict(
        epochs=epochs, batch_size=batch_size, hidden=hidden, output_dim=output_dim, cell=cell,
        bidirectional=bidirectional, pooling=pooling, max_tokens=max_tokens, learning_rate=learning_rate,
        temperature=temperature, hard_negatives=hard_negatives, patience=patience, seed=seed,
    )  # fmt: skip
    settings = (
        TrainConfig.from_file(config, **overrides)
        if config
        else TrainConfig(**{k: v for k, v in overrides.items() if v is not None})
    )
    gathered = gather_pairs(
        pairs or (), qa or (), data_dir_or_default(data_dir),
        [s.strip() for s in support_kb.split(",") if s.strip()] if support_kb else (),
        english_titles, cross_language, skip_bad, settings.seed, feedback or (),
    )  # fmt: skip
    train_pairs, validation = split_validation(gathered.pairs, validation_share, settings.seed)
    console.log(f"{len(train_pairs)} training pairs, {len(validation)} validation pairs, {gathered.skipped} skipped")
    with training_progress() as progress:
        model = train_dual_encoder(
            train_pairs, EmbeddingTable.load(table), out, settings, validation, progress, out / "checkpoints"
        )
    model.record.update(sources=gathered.sources, skipped=gathered.skipped, validation_pairs=len(validation))
    model.save(out)
    console.print(
        f"[green]ok[/green] trained on {len(train_pairs)} pairs in {model.record['train_seconds']:.0f} s -> {out}"
    )


@friendly_errors
def export(
    run: Annotated[Path, typer.Option(help="Run folder written by `answerbot train`.")],
    model_root: Annotated[Path | None, typer.Option(help="Versions folder (default: ANSWERBOT_MODEL_ROOT).")] = None,
    version: Annotated[int | None, typer.Option(help="Version number (default: next free).")] = None,
    graph: Annotated[
        str, typer.Option(help="Inference graph: fused (packed sequences) or keras (the training call, to compare).")
    ] = "fused",
) -> None:
    """Export a trained run as a SavedModel version (text -> L2-normalised embedding)."""
    from answerbot.model.export import export_model, read_metadata
    from answerbot.model.training import TrainedModel

    target = export_model(TrainedModel.load(run), model_root or get_settings().model_root, version, graph=graph)
    console.print(f"[green]ok[/green] exported {target} ({read_metadata(target)['graph']} graph)")


@friendly_errors
def extend(
    run: Annotated[Path, typer.Option(help="Run folder written by `answerbot train`.")],
    table: Annotated[Path, typer.Option(help="The run's merged table grown by `embeddings add-language`.")],
    out: Annotated[Path, typer.Option(help="Run folder to write (then `answerbot export --run OUT`).")],
) -> None:
    """Let a trained model read a new language's words without retraining the core."""
    from answerbot.embeddings.table import EmbeddingTable
    from answerbot.model.extend import extend_vocabulary
    from answerbot.model.training import TrainedModel

    model = TrainedModel.load(run)
    grown = extend_vocabulary(model, EmbeddingTable.load(table), out)
    grown.save(out)
    added = grown.encoder.vocab_size - model.encoder.vocab_size
    console.print(f"[green]ok[/green] {added} words added; core unchanged -> {out}")
