"""What the served model says about itself: name, version, dimension, languages, merge strategy.

Every encoder client keeps the model's exported metadata as ``metadata`` (read from ``assets.extra`` or,
for TF Serving, through the ``metadata`` signature); an encoder without it reports what the protocol gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from answerbot.encoders.base import Encoder

__all__ = ["ModelInfo", "describe_model"]


@dataclass(frozen=True)
class ModelInfo:
    """The served model as its export describes it (None where the metadata does not say)."""

    name: str
    version: str
    dim: int
    languages: tuple[str, ...]
    merge_strategy: str | None
    vocab_size: int | None
    max_tokens: int | None


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float | str) and str(value).isdigit() else None


def describe_model(encoder: Encoder) -> ModelInfo:
    """The model ``encoder`` serves, from its exported metadata."""
    metadata: Mapping[str, Any] = getattr(encoder, "metadata", None) or {}
    languages = metadata.get("languages") or []
    strategy = metadata.get("merge_strategy")
    return ModelInfo(
        name=encoder.model_name,
        version=encoder.model_version,
        dim=encoder.dim,
        languages=tuple(str(lang) for lang in languages) if isinstance(languages, list) else (),
        merge_strategy=None if strategy is None else str(strategy),
        vocab_size=_int_or_none(metadata.get("vocab_size")),
        max_tokens=_int_or_none(metadata.get("max_tokens")),
    )
