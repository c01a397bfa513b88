"""The FastAPI app: ``create_app()`` wires settings, store, encoder and services in the lifespan.

Run with ``uvicorn --factory answerbot.api.main:create_app`` or ``uvicorn.run(create_app(settings))``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from answerbot import __version__
from answerbot.api.errors import install_error_handlers
from answerbot.api.logs import configure_logging
from answerbot.api.metrics import Metrics
from answerbot.api.middleware import RequestMiddleware
from answerbot.api.routes import accounts, articles, feedback, health, recommendations
from answerbot.encoders.base import Encoder
from answerbot.encoders.factory import build_encoder
from answerbot.lang import detect_language
from answerbot.service import AccountService, FeedbackService, MicroBatcher, RankingService
from answerbot.settings import Settings, get_settings
from answerbot.store.base import ArticleStore
from answerbot.store.factory import open_store

__all__ = ["DEV_ADMIN_KEY", "create_app"]

log = logging.getLogger(__name__)

DEV_ADMIN_KEY = "answerbot-dev-admin-key"


def create_app(
    settings: Settings | None = None, encoder: Encoder | None = None, store: ArticleStore | None = None
) -> FastAPI:
    """The answerbot API. Missing parts are built at start-up: the configured store and the latest SavedModel.

    A store passed in is not closed at shutdown; one built here is.
    """
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_json)
        active_store = store if store is not None else open_store(settings)
        batcher: MicroBatcher | None = None
        try:
            active_encoder = encoder if encoder is not None else build_encoder(settings)
            from answerbot.encoders.compat import check_model_matches_store

            check_model_matches_store(active_encoder, active_store)  # refuses to start on a mismatch
            from answerbot.service.reencode import encoder_for_version

            # accounts switched to another model version get that version's encoder, built from settings
            other = None if encoder is not None else (lambda version: encoder_for_version(settings, version))
            service = RankingService(active_store, active_encoder, settings, encoder_for=other)
            reencoded = service.reencode_stale()
            service.encode_texts(["warm up the encoder"])
            detect_language("warm up the language profiles", seed=settings.langdetect_seed)
            if settings.admin_key.get_secret_value() == DEV_ADMIN_KEY:
                log.warning("ANSWERBOT_ADMIN_KEY is the development default; set a secret one in production")
            log.info(
                "serving model %s version %s; re-encoded %d stale articles",
                service.model_name,
                service.model_version,
                reencoded,
            )
            batcher = MicroBatcher(
                service.encode_texts,
                max_batch=settings.micro_batch_max,
                max_wait_s=settings.micro_batch_wait_ms / 1000,
                on_batch=metrics.observe_batch,
            )
            app.state.service = service
            app.state.accounts = AccountService(active_store, settings)
            app.state.feedback = FeedbackService(active_store)
            app.state.batcher = batcher
            yield
        finally:
            if batcher is not None:
                await batcher.close()
            if store is None:
                active_store.close()

    app = FastAPI(title="answerbot", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics = metrics
    install_error_handlers(app)
    app.add_middleware(RequestMiddleware, metrics=metrics, max_body_bytes=settings.max_request_bytes)
    for module in (health, accounts, articles, recommendations, feedback):
        app.include_router(module.router)
    return app
