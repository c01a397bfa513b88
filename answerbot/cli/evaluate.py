"""`answerbot evaluate p1|p2`: the benchmark protocols of shared/data/README.md, with their baselines.

The dense model comes from ``--model`` (a SavedModel version folder) or ``--run`` (a training run folder);
without either only the baselines run. The mean-of-vectors baseline reads ``--table``, by default the
merged table under ``--tables-root`` whose manifest matches the model's (``--no-mean`` skips it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from answerbot.cli.common import DataDir, comma_list, console, data_dir_or_default, friendly_errors

__all__ = ["app", "p1", "p2", "p3"]

app = typer.Typer(
    help="Benchmark protocols P1 (support KB), P2 (XQuAD-R, LAReQA) and P3 (Tatoeba alignment).", no_args_is_help=True
)

ModelDir = Annotated[
    Path | None, typer.Option("--model", help="SavedModel version folder, e.g. serving/models/answerbot/1.")
]
RunDir = Annotated[Path | None, typer.Option("--run", help="Training run folder written by `answerbot train`.")]
TableDir = Annotated[Path | None, typer.Option("--table", help="Merged table for the mean-of-vectors baseline.")]
TablesRoot = Annotated[Path, typer.Option(help="Where to look for the model's table when --table is not given.")]
NoMean = Annotated[bool, typer.Option("--no-mean", help="Skip the mean-of-vectors baseline.")]
Languages = Annotated[str | None, typer.Option(help="Comma-separated language codes (default: all).")]
HybridWeight = Annotated[float | None, typer.Option(help="Also score (1-w)*cosine + w*bm25/max(bm25).")]
Out = Annotated[Path | None, typer.Option(help="JSON report path (default: bench/results/<protocol>-<time>.json).")]
WithTeacher = Annotated[
    bool, typer.Option("--teacher", help="Also score the mUSE teacher (and its hybrid) in the same run.")
]
CacheDir = Annotated[Path, typer.Option(help="On-disk cache of teacher vectors.")]


def _teacher(wanted: bool, cache_dir: Path) -> Callable[..., Any] | None:
    if not wanted:
        return None
    from answerbot.teacher import CachedTeacher, MuseTeacher

    return CachedTeacher(MuseTeacher(), cache_dir).encode


def _dense(model: Path | None, run: Path | None) -> tuple[Callable[..., Any] | None, dict[str, Any], dict[str, Any]]:
    """(encode, table hint, settings entry) of the chosen model."""
    from answerbot.evaluation.baselines import table_hint_from_model, table_hint_from_run

    if model is not None and run is not None:
        raise ValueError("--model and --run: pass one of them, not both")
    if model is not None:
        from answerbot.encoders.inprocess import SavedModelEncoder

        encoder = SavedModelEncoder(model)
        meta = encoder.metadata
        info = {"kind": "savedmodel", "path": str(model), "version": encoder.model_version, **_pick(meta)}
        return encoder.encode, table_hint_from_model(meta), info
    if run is not None:
        from answerbot.model.training import TrainedModel

        trained = TrainedModel.load(run)
        info = {"kind": "run", "path": str(run), "config": trained.record.get("config")}
        return trained.encode, table_hint_from_run(trained.record), info
    return None, {}, {"kind": "none (baselines only)"}


def _pick(meta: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "vocab_sha256", "languages", "merge_strategy", "dim", "max_tokens")
    return {k: meta[k] for k in keys if k in meta}


def _table(table: Path | None, hint: dict[str, Any], root: Path, no_mean: bool) -> tuple[Any, dict[str, Any]]:
    from answerbot.embeddings.table import EmbeddingTable, TableError
    from answerbot.evaluation.baselines import find_table

    if no_mean:
        return None, {"skipped": "--no-mean"}
    if table is None:
        if not hint:
            return None, {"skipped": "no --table and no model to take it from"}
        try:
            table = find_table(hint, [root])
        except TableError as e:
            raise TableError(f"{e} (or --no-mean to skip the mean-of-vectors baseline)") from e
    loaded = EmbeddingTable.load(table, mmap=True)
    return loaded, {"path": str(table), "sha256": loaded.meta.get("sha256") or loaded.sha256(), "words": len(loaded)}


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"encoding {stage}", total=total)
            bar.update(tasks[stage], completed=done)

        yield update


def _finish(result: dict[str, Any], out: Path | None, model_info: dict[str, Any], table_info: dict[str, Any]) -> None:
    from answerbot.evaluation.report import print_report, write_report

    result["settings"]["model"] = model_info
    result["settings"]["table"] = table_info
    name = f"{result['protocol'].lower()}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path = write_report(result, out or Path("bench/results") / name)
    print_report(result, console)
    console.print(f"[green]ok[/green] {result['protocol']} in {result['wall_seconds']:.0f} s -> {path}")


@app.command()
@friendly_errors
def p1(
    data_dir: DataDir = None,
    model: ModelDir = None,
    run: RunDir = None,
    table: TableDir = None,
    tables_root: TablesRoot = Path("embeddings"),
    no_mean: NoMean = False,
    languages: Languages = None,
    queries: Annotated[str, typer.Option(help="title, or title_en for the cross-lingual variant.")] = "title",
    hybrid_weight: HybridWeight = None,
    teacher: WithTeacher = False,
    cache_dir: CacheDir = Path("embeddings/cache"),
    out: Out = None,
) -> None:
    """P1: support-KB test articles, title -> body, per language; BM25 and mean-of-vectors baselines."""
    from answerbot.evaluation.p1 import evaluate_p1

    encode, hint, model_info = _dense(model, run)
    loaded, table_info = _table(table, hint, tables_root, no_mean)
    with _progress() as progress:
        result = evaluate_p1(
            data_dir_or_default(data_dir),
            encode,
            loaded,
            comma_list(languages),
            queries,
            hybrid_weight,
            progress,
            _teacher(teacher, cache_dir),
        )
    _finish(result, out, model_info, table_info)


@app.command()
@friendly_errors
def p2(
    data_dir: DataDir = None,
    model: ModelDir = None,
    run: RunDir = None,
    table: TableDir = None,
    tables_root: TablesRoot = Path("embeddings"),
    no_mean: NoMean = False,
    fold: Annotated[list[int] | None, typer.Option(help="Fold(s) of folds.json to score (repeat; default 0).")] = None,
    languages: Languages = None,
    candidate_text: Annotated[str, typer.Option(help="sentence, or sentence+context (the paragraph).")] = (
        "sentence+context"
    ),
    hybrid_weight: HybridWeight = None,
    teacher: WithTeacher = False,
    cache_dir: CacheDir = Path("embeddings/cache"),
    out: Out = None,
) -> None:
    """P2: XQuAD-R (LAReQA) mAP over the 11-language pool, same-language mAP, per-article MRR."""
    from answerbot.evaluation.p2 import evaluate_p2

    encode, hint, model_info = _dense(model, run)
    loaded, table_info = _table(table, hint, tables_root, no_mean)
    with _progress() as progress:
        result = evaluate_p2(
            data_dir_or_default(data_dir),
            encode,
            fold or [0],
            loaded,
            comma_list(languages),
            candidate_text,
            hybrid_weight,
            progress,
            _teacher(teacher, cache_dir),
        )
    from answerbot.data.xquad import XQUAD_LANGUAGES
    from answerbot.evaluation.p2 import LAREQA_POOL_SIZE

    size, langs = result["settings"]["pool_size"], result["settings"]["languages"]
    console.print(f"pool: {size:,} candidates in {len(langs)} languages (LAReQA, 11 languages: {LAREQA_POOL_SIZE:,})")
    if sorted(langs) == sorted(XQUAD_LANGUAGES) and size != LAREQA_POOL_SIZE:
        console.print(
            f"[yellow]warning:[/yellow] pool_size={size} differs from LAReQA's {LAREQA_POOL_SIZE}; check the data"
        )
    _finish(result, out, model_info, table_info)


@app.command()
@friendly_errors
def p3(
    data_dir: DataDir = None,
    model: ModelDir = None,
    run: RunDir = None,
    table: TableDir = None,
    tables_root: TablesRoot = Path("embeddings"),
    no_mean: NoMean = False,
    languages: Languages = None,
    teacher: WithTeacher = False,
    cache_dir: CacheDir = Path("embeddings/cache"),
    out: Out = None,
) -> None:
    """P3: Tatoeba xx -> eng retrieval by the merged table's mean of word vectors, the model and the teacher."""
    from answerbot.evaluation.p3 import evaluate_p3

    encode, hint, model_info = _dense(model, run)
    loaded, table_info = _table(table, hint, tables_root, no_mean)
    with _progress() as progress:
        result = evaluate_p3(
            data_dir_or_default(data_dir), loaded, encode, comma_list(languages), _teacher(teacher, cache_dir), progress
        )
    _finish(result, out, model_info, table_info)
