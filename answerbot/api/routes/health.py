"""Liveness and model information."""

from __future__ import annotations

from fastapi import APIRouter

from answerbot.api.deps import ServiceDep
from answerbot.api.schemas import HealthOut, ModelOut

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(service: ServiceDep) -> HealthOut:
    """The service is up; which model it serves and how many articles it holds."""
    model = ModelOut(name=service.model_name, version=service.model_version)
    return HealthOut(status="ok", model=model, articles=service.article_count())
