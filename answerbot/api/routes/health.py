"""Liveness, readiness and Prometheus metrics (no API key needed)."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Response

from answerbot.api.deps import MetricsDep, ServicesDep
from answerbot.api.metrics import CONTENT_TYPE_LATEST
from answerbot.api.schemas import ErrorOut, HealthOut, ModelOut, ReadyOut
from answerbot.store import StoreError

__all__ = ["router"]

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(services: ServicesDep) -> HealthOut:
    """The process is up (no I/O: a liveness probe must not fail because the store is slow)."""
    model = ModelOut(name=services.encoders.model_name, version=services.encoders.model_version)
    return HealthOut(status="ok", model=model)


@router.get("/readyz", responses={503: {"model": ErrorOut, "description": "Store unreachable"}})
def readyz(services: ServicesDep) -> ReadyOut:
    """Ready to serve: the model is loaded and the store answers (else 503); article and stale-article counts
    (at most ``ANSWERBOT_STATUS_MAX_AGE_S`` old)."""
    services.store.ping()
    status = services.status.read()
    model = ModelOut(name=services.encoders.model_name, version=services.encoders.model_version)
    return ReadyOut(status="ready", model=model, articles=status.articles, stale_articles=status.stale)


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(metrics: MetricsDep, services: ServicesDep) -> Response:
    """Prometheus text format: request latency, encoder batch sizes, outcomes, feedback, stored and stale articles."""
    with contextlib.suppress(StoreError):  # metrics stay available while the store is down
        metrics.observe_store(services.status.read())
    return Response(content=metrics.render(), media_type=CONTENT_TYPE_LATEST)
