"""The FastAPI app: ``create_app()`` wires settings, store, encoder and services in the lifespan.

The lifespan only loads: it opens the store (migrating its schema), loads the served model, checks a fixed
sample of stored vectors against it, warms the encoder up and builds the services. It never re-encodes:
articles without a vector of the served version are the ``answerbot reencode`` job's; ``/readyz`` and
``/metrics`` report how many there are, and each account is ranked with its active version meanwhile.

Run with ``answerbot serve``, ``uvicorn --factory answerbot.api.main:create_app`` or
``uvicorn.run(create_app(settings))``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from answerbot import __version__
from answerbot.api.docs import install_docs
from answerbot.api.errors import install_error_handlers
from answerbot.api.logs import configure_logging
from answerbot.api.metrics import Metrics
from answerbot.api.middleware import RequestMiddleware
from answerbot.api.routes import accounts, articles, feedback, health, insight, knowledge, recommendations
from answerbot.console import install_console
from answerbot.encoders.base import Encoder
from answerbot.encoders.compat import check_model_matches_store
from answerbot.encoders.factory import build_encoder
from answerbot.lang import detect_language
from answerbot.service import MicroBatcher, Services
from answerbot.service.encoding import close_encoder
from answerbot.service.reencode import encoder_for_version
from answerbot.settings import DEV_ADMIN_KEY, Settings, get_settings
from answerbot.store import Store, open_store

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, encoder: Encoder | None = None, store: Store | None = None) -> FastAPI:
    """The answerbot API. Missing parts are built at start-up: the configured store and the latest SavedModel.

    What the lifespan builds it also closes at shutdown (the store, every encoder); a store or an encoder
    passed in belongs to the caller and is left open.
    """
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_json, settings.log_level)
        async with AsyncExitStack() as stack:
            active_store = store if store is not None else open_store(settings)
            if store is None:
                stack.callback(active_store.close)
            served = encoder if encoder is not None else build_encoder(settings)
            if encoder is None:
                stack.callback(close_encoder, served)
            check_model_matches_store(served, active_store)  # refuses to start on a mismatch
            # accounts still active on another model version get that version's encoder, built from settings
            others = None if encoder is not None else (lambda version: encoder_for_version(settings, version))
            services = Services.build(active_store, served, settings, encoder_for=others)
            stack.callback(services.close)
            services.ranking.encode_served(["warm up the encoder"])
            detect_language("warm up the language profiles", seed=settings.langdetect_seed)
            _log_start(services, settings)
            batcher = MicroBatcher(
                services.ranking.encode_served,
                max_batch=settings.micro_batch_max,
                max_wait_s=settings.micro_batch_wait_ms / 1000,
                on_batch=metrics.observe_batch,
            )
            stack.push_async_callback(batcher.close)
            app.state.services = services
            app.state.batcher = batcher
            yield

    app = FastAPI(title="answerbot", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.metrics = metrics
    install_error_handlers(app)
    app.add_middleware(RequestMiddleware, metrics=metrics, max_body_bytes=settings.max_request_bytes)
    for module in (health, accounts, articles, knowledge, recommendations, feedback, insight):
        app.include_router(module.router)
    install_docs(app)
    install_console(app)
    return app


def _log_start(services: Services, settings: Settings) -> None:
    status = services.status.read()
    version = services.encoders.model_version
    log.info("serving model %s version %s; %d articles", services.encoders.model_name, version, status.articles)
    if status.stale:
        log.warning(
            "%d articles lack a vector of model version %s; their accounts are ranked with their active version "
            "until `answerbot reencode --model-version %s --only-stale` encodes them",
            status.stale,
            version,
            version,
        )
    if settings.admin_key.get_secret_value() == DEV_ADMIN_KEY:
        log.warning("ANSWERBOT_ADMIN_KEY is the development default; set a secret one for anything but local use")
