"""`answerbot serve`: the ranking API on uvicorn, in one or several worker processes."""

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
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worker processes sharing the port and the store, each with its own encoder and caches "
            "(default: ANSWERBOT_WORKERS, 1). A write in one is seen by the others within ANSWERBOT_CACHE_MAX_AGE_S.",
        ),
    ] = None,
) -> None:
    """Serve the ranking API with uvicorn (in-process encoder over the latest exported version).

    Off loopback it refuses to start with the development admin key: set ANSWERBOT_ADMIN_KEY first.
    Each request is logged once by answerbot (JSON, with its request id), so uvicorn's own access log is off.
    """
    import uvicorn

    settings = get_settings()
    bind = host or settings.host
    check_listen_address(bind, settings)
    uvicorn.run(
        "answerbot.api.main:create_app",
        factory=True,
        host=bind,
        port=port or settings.port,
        workers=workers or settings.workers,
        access_log=False,
    )
