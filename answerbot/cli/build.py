"""`answerbot build RECIPE`: one command from the shared data to an exported model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from answerbot.cli.common import DataDir, console, data_dir_or_default, friendly_errors
from answerbot.settings import get_settings

__all__ = ["build"]


@friendly_errors
def build(
    recipe: Annotated[str, typer.Argument(help="A bundled recipe (p1, demo) or the path of a recipe TOML file.")],
    work_dir: Annotated[
        Path | None, typer.Option(help="Where the steps' artifacts go (default var/builds/NAME).")
    ] = None,
    data_dir: DataDir = None,
    cache_dir: Annotated[Path, typer.Option(help="On-disk cache of teacher vectors.")] = Path("embeddings/cache"),
    export: Annotated[bool, typer.Option(help="Export the model as the next SavedModel version.")] = True,
    model_root: Annotated[Path | None, typer.Option(help="Versions folder (default: ANSWERBOT_MODEL_ROOT).")] = None,
) -> None:
    """Build a model end to end: teacher tables -> merge -> distil -> fine-tune -> export (resumes finished steps)."""
    from answerbot.recipe.build import build_recipe
    from answerbot.recipe.config import Recipe
    from answerbot.teacher import CachedTeacher, MuseTeacher

    chosen = Recipe.named(recipe)
    teacher = CachedTeacher(MuseTeacher(), cache_dir)
    target = work_dir or Path("var/builds") / chosen.name
    result = build_recipe(
        chosen,
        data_dir_or_default(data_dir),
        target,
        teacher,
        say=console.log,
        export_to=(model_root or get_settings().model_root) if export else None,
    )
    where = result.export_dir or target / "run"
    console.print(f"[green]ok[/green] {chosen.name} built in {result.seconds['total']:.0f} s -> {where}")
