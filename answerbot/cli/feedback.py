"""`answerbot feedback export`: the accounts' resolutions and rejections as training data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from answerbot.cli.common import console, friendly_errors
from answerbot.settings import get_settings

__all__ = ["app", "export"]

app = typer.Typer(help="Feedback (resolutions, rejections) as training data.", no_args_is_help=True)


@app.command("export")
@friendly_errors
def export(
    out: Annotated[Path, typer.Option(help="JSON Lines file to write.")],
    after: Annotated[str | None, typer.Option(help="Only interactions at or after this ISO time (UTC).")] = None,
    before: Annotated[str | None, typer.Option(help="Only interactions before this ISO time (UTC).")] = None,
) -> None:
    """Write (ticket, resolved article) pairs and (ticket, rejected article) hard negatives of every account
    that shares feedback, de-duplicated; `answerbot train --feedback FILE` reads it."""
    from answerbot.service.feedback_export import export_feedback
    from answerbot.store import open_store

    store = open_store(get_settings())
    try:
        counts = export_feedback(store, out, after, before)
    finally:
        store.close()
    left_out = (
        f"{counts.duplicates} duplicates, {counts.conflicting_rejections} rejections of resolved articles, "
        f"{counts.missing_articles} deleted articles, {counts.opted_out_accounts} accounts opted out"
    )
    console.print(
        f"[green]ok[/green] {counts.resolved} resolved pairs, {counts.rejected} rejected (hard negatives) -> {out}"
        f" (left out: {left_out})"
    )
