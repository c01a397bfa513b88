"""Shared pieces of the CLI: the console, option types and the error translation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from answerbot.data.jsonl import DataError
from answerbot.embeddings.table import TableError
from answerbot.encoders.base import EncoderError
from answerbot.service.errors import ServiceError
from answerbot.settings import get_settings
from answerbot.store.errors import StoreError

__all__ = ["DataDir", "comma_list", "console", "data_dir_or_default", "friendly_errors"]

console = Console()

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn expected library errors into one clear line and exit code 1 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (
            TableError,
            DataError,
            EncoderError,
            ServiceError,
            StoreError,
            ValueError,
            FileNotFoundError,
            FileExistsError,
        ) as e:
            console.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)
            raise typer.Exit(1) from e

    return wrapper  # type: ignore[return-value]


def data_dir_or_default(value: Path | None) -> Path:
    return value if value is not None else get_settings().data_dir


DataDir = Annotated[
    Path | None, typer.Option(help="Shared data folder (default: ANSWERBOT_DATA_DIR or ../shared/data).")
]


def comma_list(value: str | None) -> list[str] | None:
    """``"de, es,"`` -> ``["de", "es"]``; None when nothing was given."""
    return [item.strip() for item in value.split(",") if item.strip()] if value else None
