"""`answerbot embeddings ...`: pre-train, import and merge word-vector tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from answerbot.cli.common import DataDir, console, data_dir_or_default, friendly_errors

__all__ = ["app"]

app = typer.Typer(help="Word-vector tables: pre-train, import, merge.", no_args_is_help=True)


@app.command("pretrain")
@friendly_errors
def embeddings_pretrain(
    lang: Annotated[str, typer.Option(help="Language code, e.g. de.")],
    out: Annotated[Path, typer.Option(help="Table folder to write.")],
    corpus: Annotated[Path | None, typer.Option(help="Text file (default: DATA_DIR/corpora/LANG.txt.gz).")] = None,
    data_dir: DataDir = None,
    model: Annotated[str, typer.Option(help="skipgram or cbow.")] = "skipgram",
    dim: int = 100,
    epochs: int = 5,
    min_count: int = 3,
    threads: int = 2,
    max_lines: Annotated[int | None, typer.Option(help="Read at most this many corpus lines.")] = None,
    max_words: Annotated[int | None, typer.Option(help="Keep the most frequent words only.")] = 50_000,
) -> None:
    """Train a fastText table for one language from a corpus (tokenized exactly as the model tokenizes)."""
    from answerbot.embeddings.pretrain import PretrainConfig, pretrain_table

    source = corpus or data_dir_or_default(data_dir) / "corpora" / f"{lang}.txt.gz"
    config = PretrainConfig(
        model=model,
        dim=dim,
        epochs=epochs,
        min_count=min_count,
        threads=threads,
        max_lines=max_lines,
        max_words=max_words,
    )
    with console.status(f"pre-training {lang} ..."):
        table = pretrain_table(source, lang, out, config, progress=console.log)
    console.print(f"[green]ok[/green] {lang}: {len(table)} words x {table.dim} -> {out}")


@app.command("import")
@friendly_errors
def embeddings_import(
    source: Annotated[Path, typer.Argument(help="A fastText .vec (text, optionally .gz) or .bin file.")],
    lang: Annotated[str, typer.Option(help="Language code of the table.")],
    out: Annotated[Path, typer.Option(help="Table folder to write.")],
    max_words: int | None = None,
) -> None:
    """Import a pre-trained table into our format (vectors.npy + vocab.txt + manifest.json)."""
    from answerbot.embeddings.table import EmbeddingTable

    is_bin = source.suffix == ".bin"
    table = (EmbeddingTable.from_bin if is_bin else EmbeddingTable.from_vec)(source, lang, max_words)
    table.save(out)
    console.print(f"[green]ok[/green] {lang}: {len(table)} words x {table.dim} -> {out}")


@app.command("merge")
@friendly_errors
def embeddings_merge(
    tables: Annotated[list[Path], typer.Argument(help="Table folders, highest priority first.")],
    out: Annotated[Path, typer.Option(help="Merged table folder to write.")],
    strategy: Annotated[str, typer.Option(help="Collision strategy: priority or mean.")] = "priority",
) -> None:
    """Merge per-language tables into one; the manifest records collisions and what was lost."""
    from answerbot.embeddings.merge import merge_tables
    from answerbot.embeddings.table import EmbeddingTable

    merged = merge_tables([EmbeddingTable.load(t) for t in tables], strategy)
    merged.save(out)
    counts = merged.meta["counts"]
    view = Table("language", "words", "collisions", "lost")
    for entry in merged.meta["inputs"]:
        lang = entry["lang"]
        view.add_row(lang, str(entry["words"]), str(counts["collisions_per_language"][lang]), str(counts["lost"][lang]))
    console.print(view)
    console.print(f"[green]ok[/green] {merged.meta['strategy']}: {counts['words']} words -> {out}")
