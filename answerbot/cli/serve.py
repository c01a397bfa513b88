"""`answerbot serve`: the ranking API on uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from answerbot.api.security import check_listen_address
from answerbot.cli.common import friendly_errors
from answerbot.settings import get_settings

__all__ = ["serve"]


@friendly_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: ANSWERBOT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: ANSWERBOT_PORT).")] = None,
) -> None:
    """Serve the ranking API with uvicorn (in-process encoder over the latest exported version).

    Off loopback it refuses to start with the development admin key: set ANSWERBOT_ADMIN_KEY first.
    """
    import uvicorn

    settings = get_settings()
    bind = host or settings.host
    check_listen_address(bind, settings)
    uvicorn.run("answerbot.api.main:create_app", factory=True, host=bind, port=port or settings.port)
