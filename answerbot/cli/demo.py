"""`answerbot demo ...`: build the demo model, load and evaluate the demo KB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from answerbot.cli.common import DataDir, console, data_dir_or_default, friendly_errors
from answerbot.settings import get_settings

__all__ = ["app"]

app = typer.Typer(help="The bundled demo: build its model, load its KB.", no_args_is_help=True)


@app.command("build")
@friendly_errors
def demo_build(
    data_dir: DataDir = None,
    force: Annotated[bool, typer.Option(help="Build a new version even if one exists.")] = False,
) -> None:
    """Pre-train the demo languages' tables, merge, train, export and evaluate (skips what exists)."""
    from answerbot.demo.build import DemoBuild, build_demo

    settings = get_settings()
    build = DemoBuild(data_dir=data_dir_or_default(data_dir), model_root=settings.model_root)
    if not force and any(p.name.isdigit() for p in build.model_root.glob("*")):
        console.print(f"[green]ok[/green] a model exists in {build.model_root}; --force builds a new version")
        return
    report = build_demo(build, say=console.log)
    _print_demo_report(report)
    console.print(f"[green]ok[/green] demo model version {report['model_version']} ({report['build_seconds']:.0f} s)")


def _print_demo_report(report: dict[str, Any]) -> None:
    for variant in ("all_locales", "same_locale", "to_english"):
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


@app.command("evaluate")
@friendly_errors
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
        "to_english": evaluate_tickets(kb, held_out, encoder.encode, to_locale="en"),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    _print_demo_report(report)


@app.command("load")
@friendly_errors
def demo_load() -> None:
    """Upsert the demo KB into the article store, encoded by the latest model (unchanged articles are skipped)."""
    from answerbot.demo.load import load_demo_kb

    counts = load_demo_kb(get_settings())
    console.print(f"[green]ok[/green] demo KB loaded: {counts}")
