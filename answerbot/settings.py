"""Service settings, read from ``ANSWERBOT_*`` environment variables and validated at start."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Paths, network address and request limits of the answerbot service."""

    model_config = SettingsConfigDict(env_prefix="ANSWERBOT_")

    data_dir: Path = Path("../shared/data")
    model_root: Path = Path("serving/models/answerbot")
    store_path: Path = Path("var/answerbot.sqlite")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    default_top_k: PositiveInt = 3
    max_top_k: PositiveInt = 50
    max_enquiry_chars: PositiveInt = 5000
    max_article_chars: PositiveInt = 100_000
    max_bulk_articles: PositiveInt = 1000
    langdetect_seed: NonNegativeInt = 0

    @model_validator(mode="after")
    def _check_top_k(self) -> Self:
        if self.default_top_k > self.max_top_k:
            raise ValueError(
                f"default_top_k={self.default_top_k} is larger than max_top_k={self.max_top_k}; "
                "set ANSWERBOT_DEFAULT_TOP_K <= ANSWERBOT_MAX_TOP_K"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings from the environment (cached; ``get_settings.cache_clear()`` resets)."""
    return Settings()
