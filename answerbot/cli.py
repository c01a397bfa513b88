"""The ``answerbot`` command line: thin typed commands over library functions.

Sub-apps: ``embeddings`` (pretrain, import, merge), ``demo`` (build, load, evaluate); root
commands ``train``, ``export``, ``serve``. Library errors become one red line and exit code 1.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from answerbot.settings import get_settings

__all__ = ["app"]

console = Console()
app = typer.Typer(help="answerbot: multilingual answer recommendation.", no_args_is_help=True)
embeddings_app = typer.Typer(help="Word-vector tables: pre-train, import, merge.", no_args_is_help=True)
demo_app = typer.Typer(help="The bundled demo: build its model, load its KB.", no_args_is_help=True)
app.add_typer(embeddings_app, name="embeddings")
app.add_typer(demo_app, name="demo")

F = TypeVar("F", bound=Callable[..., Any])


def _friendly_errors(func: F) -> F:
    """Turn expected library errors into one clear line and exit code 1 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from answerbot.data.jsonl import DataError
        from answerbot.embeddings.table import TableError
        from answerbot.encoders.base import EncoderError

        try:
            return func(*args, **kwargs)
        except (TableError, DataError, EncoderError, ValueError, FileNotFoundError, FileExistsError) as e:
            console.print(f"[red]error:[/red] {e}")
            raise typer.Exit(1) from e

    return wrapper  # type: ignore[return-value]


def _data_dir(value: Path | None) -> Path:
    return value if value is not None else get_settings().data_dir


DataDir = Annotated[
    Path | None, typer.Option(help="Shared data folder (default: ANSWERBOT_DATA_DIR or ../shared/data).")
]


# -- embeddings ------------------------------------------------------------------------------------
@embeddings_app.command("pretrain")
@_friendly_errors
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

    source = corpus or _data_dir(data_dir) / "corpora" / f"{lang}.txt.gz"
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


@embeddings_app.command("import")
@_friendly_errors
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


@embeddings_app.command("merge")
@_friendly_errors
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


# -- model -----------------------------------------------------------------------------------------
@app.command("train")
@_friendly_errors
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


@app.command("export")
@_friendly_errors
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


@app.command("serve")
@_friendly_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: ANSWERBOT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: ANSWERBOT_PORT).")] = None,
) -> None:
    """Serve the ranking API with uvicorn (in-process encoder over the latest exported version)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run("answerbot.api.main:create_app", factory=True, host=host or settings.host, port=port or settings.port)


# -- demo ------------------------------------------------------------------------------------------
@demo_app.command("build")
@_friendly_errors
def demo_build(
    data_dir: DataDir = None,
    force: Annotated[bool, typer.Option(help="Build a new version even if one exists.")] = False,
) -> None:
    """Pre-train the demo languages' tables, merge, train, export and evaluate (skips what exists)."""
    from answerbot.demo.build import DemoBuild, build_demo

    settings = get_settings()
    build = DemoBuild(data_dir=_data_dir(data_dir), model_root=settings.model_root)
    if not force and any(p.name.isdigit() for p in build.model_root.glob("*")):
        console.print(f"[green]ok[/green] a model exists in {build.model_root}; --force builds a new version")
        return
    report = build_demo(build, say=console.log)
    _print_demo_report(report)
    console.print(f"[green]ok[/green] demo model version {report['model_version']} ({report['build_seconds']:.0f} s)")


def _print_demo_report(report: dict[str, Any]) -> None:
    for variant in ("all_locales", "same_locale"):
        part = report[variant]
        view = Table(title=f"held-out demo tickets, candidates: {part['candidates']}")
        view.add_column("locale")
        for ranker in ("model", "bm25"):
            view.add_column(f"{ranker} top-3")
            view.add_column(f"{ranker} MRR@10")
        for locale in part["model"]["per_locale"]:
            cells = [f"{part[r]['per_locale'][locale][m]:.3f}" for r in ("model", "bm25") for m in ("top3", "mrr10")]
            view.add_row(locale, *cells)
        view.add_row("all", *[f"{part[r][m]:.3f}" for r in ("model", "bm25") for m in ("top3", "mrr10")])
        console.print(view)


@demo_app.command("evaluate")
@_friendly_errors
def demo_evaluate(
    model_root: Annotated[Path | None, typer.Option(help="Versions folder (default: ANSWERBOT_MODEL_ROOT).")] = None,
    out: Annotated[Path, typer.Option(help="Report JSON.")] = Path("var/demo_eval.json"),
) -> None:
    """Score the held-out demo tickets with the latest exported model and BM25."""
    from answerbot.demo.data import load_kb, load_tickets
    from answerbot.demo.evaluate import evaluate_tickets
    from answerbot.encoders.inprocess import SavedModelEncoder

    encoder = SavedModelEncoder.latest(model_root or get_settings().model_root)
    kb, held_out = load_kb(), [t for t in load_tickets() if t.split == "test"]
    report = {
        "model_version": encoder.model_version,
        "all_locales": evaluate_tickets(kb, held_out, encoder.encode),
        "same_locale": evaluate_tickets(kb, held_out, encoder.encode, same_locale=True),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    _print_demo_report(report)


@demo_app.command("load")
@_friendly_errors
def demo_load() -> None:
    """Upsert the demo KB into the article store, encoded by the latest model (unchanged articles are skipped)."""
    from answerbot.demo.load import load_demo_kb

    counts = load_demo_kb(get_settings())
    console.print(f"[green]ok[/green] demo KB loaded: {counts}")


if __name__ == "__main__":
    app()
