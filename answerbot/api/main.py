"""The FastAPI app: ``create_app()`` wires settings, store, encoder and service in the lifespan.

Run with ``uvicorn --factory answerbot.api.main:create_app`` or ``uvicorn.run(create_app(settings))``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from answerbot import __version__
from answerbot.api.errors import install_error_handlers
from answerbot.api.routes import articles, health, recommendations
from answerbot.encoders.base import Encoder
from answerbot.encoders.factory import build_encoder
from answerbot.lang import detect_language
from answerbot.service import RankingService
from answerbot.settings import Settings, get_settings
from answerbot.store.base import ArticleStore
from answerbot.store.sqlite import SqliteArticleStore

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, encoder: Encoder | None = None, store: ArticleStore | None = None
) -> FastAPI:
    """The answerbot API. Missing parts are built at start-up: a SQLite store and the latest SavedModel.

    A store passed in is not closed at shutdown; one built here is.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        active_store = store if store is not None else SqliteArticleStore(settings.store_path)
        try:
            active_encoder = encoder if encoder is not None else build_encoder(settings)
            service = RankingService(active_store, active_encoder, settings)
            reencoded = service.reencode_stale()
            detect_language("warm up the language profiles", seed=settings.langdetect_seed)
            log.info(
                "serving model %s version %s; re-encoded %d stale articles",
                service.model_name,
                service.model_version,
                reencoded,
            )
            app.state.service = service
            yield
        finally:
            if store is None:
                active_store.close()

    app = FastAPI(title="answerbot", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(articles.router)
    app.include_router(recommendations.router)
    return app
