"""Service settings, read from ``ANSWERBOT_*`` environment variables and validated at start."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, NonNegativeInt, PositiveInt, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEV_ADMIN_KEY", "Settings", "get_settings"]

DEV_ADMIN_KEY = "answerbot-dev-admin-key"
"""The admin key when ``ANSWERBOT_ADMIN_KEY`` is unset: public, so the server refuses it off loopback."""


class Settings(BaseSettings):
    """Paths, network address and request limits of the answerbot service."""

    model_config = SettingsConfigDict(env_prefix="ANSWERBOT_")

    data_dir: Path = Path("../shared/data")
    model_root: Path = Path("serving/models/answerbot")
    store_path: Path = Path("var/answerbot.sqlite")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    default_top_k: PositiveInt = 3
    max_top_k: PositiveInt = 10
    max_enquiry_chars: PositiveInt = 5000
    max_article_chars: PositiveInt = 100_000
    max_bulk_articles: PositiveInt = 1000
    langdetect_seed: NonNegativeInt = 0
    log_level: str = Field(
        default="info",
        pattern=r"^(?i:debug|info|warning|error)$",
        description="answerbot's log level; debug also shows TensorFlow's C++ start-up log",
    )
    store_url: str | None = Field(
        default=None,
        description="postgresql://user@host:port/db selects the PostgreSQL store; unset means SQLite at store_path",
    )
    store_pool_size: PositiveInt = Field(default=5, description="PostgreSQL connections kept per process")
    admin_key: SecretStr = SecretStr(DEV_ADMIN_KEY)
    score_threshold: float = Field(default=0.2, ge=-1.0, le=1.0)
    hybrid_weight: float = Field(default=0.7, ge=0.0, le=1.0)  # BM25's share; 0.7 measured best of 0.3/0.7 on P1
    calibration_refit_s: float = Field(default=600.0, ge=0.0, description="refit per-account calibrations after")
    micro_batch_max: PositiveInt = 32
    micro_batch_wait_ms: float = Field(default=2.0, ge=0.0, le=1000.0)
    max_request_bytes: PositiveInt = 16 * 1024 * 1024
    explain_max_tokens: PositiveInt = 32
    log_json: bool = True
    # model host: in-process SavedModel (default) or TF Serving over gRPC / REST
    encoder: str = Field(default="inprocess", pattern=r"^(inprocess|grpc|rest)$")
    serving_grpc_target: str = "localhost:8500"
    serving_rest_url: str = "http://localhost:8501"
    serving_model_name: str = "answerbot"
    serving_model_version: PositiveInt | None = None
    serving_model_label: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    serving_deadline_s: float = Field(default=5.0, gt=0.0, le=600.0)
    serving_retries: NonNegativeInt = 2
    max_articles_per_account: PositiveInt = Field(
        default=100_000, description="writes that would take an account past this many articles get 409"
    )
    status_max_age_s: float = Field(
        default=10.0, ge=0.0, description="how long /readyz and /metrics reuse the article and stale-article counts"
    )
    cache_max_age_s: float = Field(
        default=1.0,
        ge=0.0,
        le=60.0,
        description="how late a process sees another process's change to an account (key, settings, articles): "
        "cached accounts and rankings are re-checked against the store's account generations this often (0: always)",
    )
    interaction_queue_max: PositiveInt = Field(
        default=10_000, description="interactions waiting to be written before recommendations answer 503"
    )
    interaction_batch_max: PositiveInt = Field(default=500, description="interactions written in one transaction")
    interaction_wait_s: float = Field(
        default=2.0,
        ge=0.0,
        le=60.0,
        description="how long feedback on a recent interaction not yet in the store waits for it (another "
        "process's queue) before answering 404",
    )
    workers: PositiveInt = Field(default=1, description="uvicorn worker processes of `answerbot serve`")
    tf_intra_op_threads: NonNegativeInt = Field(
        default=0, description="TensorFlow threads inside one op of the in-process encoder (0: TensorFlow's default)"
    )
    tf_inter_op_threads: NonNegativeInt = Field(
        default=0, description="TensorFlow ops run at once by the in-process encoder (0: TensorFlow's default)"
    )
    retry_after_s: PositiveInt = Field(
        default=2, description="Retry-After (seconds) on 503 responses when the encoder or the store is down"
    )

    @model_validator(mode="after")
    def _check_serving_spec(self) -> Self:
        if self.serving_model_version is not None and self.serving_model_label is not None:
            raise ValueError(
                f"serving_model_version={self.serving_model_version} and serving_model_label="
                f"{self.serving_model_label!r} are both set; set ANSWERBOT_SERVING_MODEL_VERSION or "
                "ANSWERBOT_SERVING_MODEL_LABEL, not both"
            )
        return self

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
