"""The ``answerbot`` command line: thin typed commands over library functions, one module per area.

Sub-apps: ``embeddings`` (pretrain, import, merge), ``demo`` (build, load, evaluate), ``feedback`` (export);
root commands ``build``, ``train``, ``export``, ``serve``, ``reencode``, ``retrain``, ``calibrate``.
Library errors become one red line and exit code 1.
TensorFlow's C++ start-up log is hidden unless ``--verbose`` (or ``ANSWERBOT_LOG_LEVEL=debug``).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from answerbot.cli import build, demo, embeddings, evaluate, feedback, learning, model, reencode, serve
from answerbot.quiet import show_tensorflow_logs
from answerbot.settings import get_settings

__all__ = ["app"]

app = typer.Typer(help="answerbot: multilingual answer recommendation.", no_args_is_help=True)


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Debug logs, TensorFlow's C++ start-up log included.")
    ] = False,
) -> None:
    """answerbot: multilingual answer recommendation."""
    if verbose:
        os.environ["ANSWERBOT_LOG_LEVEL"] = "debug"
        get_settings.cache_clear()
        show_tensorflow_logs()


app.add_typer(embeddings.app, name="embeddings")
app.add_typer(demo.app, name="demo")
app.add_typer(evaluate.app, name="evaluate")
app.add_typer(feedback.app, name="feedback")
app.command("build")(build.build)
app.command("train")(model.train)
app.command("export")(model.export)
app.command("extend")(model.extend)
app.command("serve")(serve.serve)
app.command("reencode")(reencode.reencode)
app.command("retrain")(learning.retrain)
app.command("calibrate")(learning.calibrate)

if __name__ == "__main__":
    app()
