"""Prometheus metrics of one app (a registry of its own, so several apps in one process do not clash)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from answerbot.service.status import StoreStatus

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


class Metrics:
    """Request latency, encoder batches, recommendation outcomes, feedback, stored and stale articles."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram(
            "answerbot_request_seconds",
            "HTTP request latency by method, route template and status.",
            ["method", "route", "status"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.encoder_batch_size = Histogram(
            "answerbot_encoder_batch_size",
            "Enquiries per micro-batched encoder call.",
            buckets=_BATCH_BUCKETS,
            registry=self.registry,
        )
        self.encoder_batch_seconds = Histogram(
            "answerbot_encoder_batch_seconds",
            "Latency of one micro-batched encoder call.",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.outcomes = Counter(
            "answerbot_recommendations", "Recommendations by outcome.", ["outcome"], registry=self.registry
        )
        self.feedback = Counter("answerbot_feedback", "Feedback events by type.", ["type"], registry=self.registry)
        self.articles = Gauge("answerbot_articles", "Articles of all accounts in the store.", registry=self.registry)
        self.stale_articles = Gauge(
            "answerbot_stale_articles",
            "Articles without a vector of the served model version (answerbot reencode --only-stale encodes them).",
            registry=self.registry,
        )

    def observe_batch(self, size: int, seconds: float) -> None:
        self.encoder_batch_size.observe(size)
        self.encoder_batch_seconds.observe(seconds)

    def observe_store(self, status: StoreStatus) -> None:
        self.articles.set(status.articles)
        self.stale_articles.set(status.stale)

    def render(self) -> bytes:
        return generate_latest(self.registry)
