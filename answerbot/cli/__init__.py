"""The ``answerbot`` command line: thin typed commands over library functions, one module per area.

Sub-apps: ``embeddings`` (pretrain, import, merge), ``demo`` (build, load, evaluate); root
commands ``train``, ``export``, ``serve``. Library errors become one red line and exit code 1.
"""

from __future__ import annotations

import typer

from answerbot.cli import demo, embeddings, evaluate, model, reencode, serve

__all__ = ["app"]

app = typer.Typer(help="answerbot: multilingual answer recommendation.", no_args_is_help=True)
app.add_typer(embeddings.app, name="embeddings")
app.add_typer(demo.app, name="demo")
app.add_typer(evaluate.app, name="evaluate")
app.command("train")(model.train)
app.command("export")(model.export)
app.command("extend")(model.extend)
app.command("serve")(serve.serve)
app.command("reencode")(reencode.reencode)

if __name__ == "__main__":
    app()
