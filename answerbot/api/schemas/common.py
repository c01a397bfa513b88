"""What every request body shares, and the model and error bodies of the responses."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ErrorBody", "ErrorOut", "HealthOut", "In", "ModelOut", "ReadyOut"]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelOut(BaseModel):
    name: str
    version: str


class HealthOut(BaseModel):
    """Liveness: the process answers (no I/O behind it)."""

    status: Literal["ok"]
    model: ModelOut


class ReadyOut(BaseModel):
    """Readiness: the store answers; how many articles it holds and how many lack a vector of the served model."""

    status: Literal["ready"]
    model: ModelOut
    articles: int
    stale_articles: int = Field(
        description="Articles without a vector of the served model version; `answerbot reencode --only-stale` "
        "encodes them (their accounts are ranked with their active version meanwhile)."
    )


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None


class ErrorOut(BaseModel):
    """Every error response: ``{"error": {"code", "message", "field"}}``."""

    error: ErrorBody
