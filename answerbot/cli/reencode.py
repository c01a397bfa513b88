"""`answerbot reencode`: refresh stored article vectors under a model version, locally or on Ray."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from answerbot.cli.common import console, friendly_errors
from answerbot.settings import get_settings

__all__ = ["reencode"]


@friendly_errors
def reencode(
    model_version: Annotated[
        int | None,
        typer.Option("--model-version", help="Model version N to encode with (default: the one the API serves)."),
    ] = None,
    account: Annotated[str | None, typer.Option(help="Only this account (default: every account).")] = None,
    only_stale: Annotated[
        bool, typer.Option("--only-stale", help="Only new or changed articles (no up-to-date version-N vector).")
    ] = False,
    engine: Annotated[str, typer.Option(help="local (this process) or ray (Ray Data actor pool).")] = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster address, e.g. ray://head:10001 or auto.")] = None,
    actors: Annotated[int, typer.Option(help="Ray: encoder actors.")] = 2,
    cpus_per_actor: Annotated[float, typer.Option(help="Ray: CPUs per actor.")] = 1.0,
    batch_size: Annotated[int, typer.Option(help="Articles per encoder batch and per write transaction.")] = 256,
    prune: Annotated[bool, typer.Option(help="Delete other versions' vectors after a switch.")] = False,
) -> None:
    """Encode articles under model version N (resumable), then switch each account to N atomically."""
    from answerbot.encoders.factory import build_encoder
    from answerbot.service.encoding import close_encoder
    from answerbot.service.reencode import ReencodeOptions, encoder_for_version, local_engine, run_reencode
    from answerbot.store import open_store

    if engine not in ("local", "ray"):
        raise ValueError(f"--engine {engine!r}: choose local or ray")
    settings = get_settings()
    encoder = build_encoder(settings) if model_version is None else None  # the served version, for its number
    version = str(model_version) if encoder is None else encoder.model_version
    options = ReencodeOptions(version, account=account, only_stale=only_stale, batch_size=batch_size, prune=prune)
    started_ray = False
    store = open_store(settings)
    try:
        if engine == "local":
            encoder = encoder or encoder_for_version(settings, version)
            run_engine, encoder_version = local_engine(encoder), encoder.model_version
        else:
            from answerbot.batch.ray_engine import RayOptions, init_ray, ray_engine

            ray_options = RayOptions(address, actors, cpus_per_actor, batch_size)
            started_ray = init_ray(ray_options)
            run_engine, encoder_version = ray_engine(settings, version, ray_options), version
        columns = (
            TextColumn("[bold]re-encoding[/bold] v" + version),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.0f} articles/s"),
            TimeElapsedColumn(),
        )
        began = time.perf_counter()
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task("reencode", total=None, rate=0.0)

            def report(done: int, total: int) -> None:
                rate = done / max(time.perf_counter() - began, 1e-9)
                progress.update(task, completed=done, total=total, rate=rate)

            summary = run_reencode(store, encoder_version, run_engine, options, progress=report)
    finally:
        store.close()
        if encoder is not None:
            close_encoder(encoder)
        if started_ray:
            import ray

            ray.shutdown()
    table = Table(title=f"re-encoding to model version {version} ({engine})")
    for column in ("accounts", "switched", "encoded", "skipped", "seconds", "articles/s"):
        table.add_column(column, justify="right")
    table.add_row(
        str(summary.accounts),
        str(len(summary.switched)),
        str(summary.encoded),
        str(summary.skipped),
        f"{summary.seconds:.1f}",
        f"{summary.articles_per_s:.0f}",
    )
    console.print(table)
    resumed = " (resumed)" if summary.resumed else ""
    console.print(f"[green]ok[/green] {summary.accounts} accounts on model version {version}{resumed}")
