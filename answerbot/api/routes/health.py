"""Liveness, readiness and Prometheus metrics (no API key needed)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from answerbot.api.deps import MetricsDep, ServiceDep
from answerbot.api.metrics import CONTENT_TYPE_LATEST
from answerbot.api.schemas import ErrorOut, HealthOut, ModelOut, ReadyOut

__all__ = ["router"]

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(service: ServiceDep) -> HealthOut:
    """The service is up; which model it serves and how many articles it holds."""
    model = ModelOut(name=service.model_name, version=service.model_version)
    return HealthOut(status="ok", model=model, articles=service.article_count())


@router.get("/readyz", responses={503: {"model": ErrorOut, "description": "Store unreachable"}})
def readyz(service: ServiceDep) -> ReadyOut:
    """Ready to serve: the model is loaded (the lifespan encoded a warm-up text) and the store answers (else 503)."""
    service.store.ping()
    return ReadyOut(status="ready", model=ModelOut(name=service.model_name, version=service.model_version))


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(metrics: MetricsDep) -> Response:
    """Prometheus text format: request latency, encoder batch sizes, outcomes, feedback."""
    return Response(content=metrics.render(), media_type=CONTENT_TYPE_LATEST)
