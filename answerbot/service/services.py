"""``Services``: every service of one process over one store and one served encoder, built and closed together."""

from __future__ import annotations

from dataclasses import dataclass

from answerbot.encoders.base import Encoder
from answerbot.service.accounts import AccountService
from answerbot.service.articles import ArticleService
from answerbot.service.encoding import EncoderFactory, Encoders
from answerbot.service.feedback import FeedbackService
from answerbot.service.indexes import Indexes
from answerbot.service.interaction_log import InteractionLog
from answerbot.service.parts import ServiceParts
from answerbot.service.ranking import RankingService
from answerbot.service.status import StoreStatusReader
from answerbot.settings import Settings
from answerbot.store import Store

__all__ = ["Services"]


@dataclass(frozen=True)
class Services(ServiceParts):
    """The parts (store, accounts, encoders, index cache, settings, interaction log) and the services built on them."""

    articles: ArticleService
    ranking: RankingService
    feedback: FeedbackService
    status: StoreStatusReader

    @classmethod
    def build(
        cls, store: Store, encoder: Encoder, settings: Settings, encoder_for: EncoderFactory | None = None
    ) -> Services:
        """Services over ``store`` serving ``encoder``; ``encoder_for(version)`` builds encoders of other
        versions that accounts are still active on (None: only ``encoder``'s version can be ranked)."""
        indexes = Indexes(store)
        accounts = AccountService(store, settings, on_change=indexes.invalidate)
        log = InteractionLog(store, settings.interaction_queue_max, settings.interaction_batch_max)
        parts = (store, accounts, Encoders(encoder, encoder_for), indexes, settings, log)
        return cls(
            *parts,
            articles=ArticleService(*parts),
            ranking=RankingService(*parts),
            feedback=FeedbackService(store, log, settings.interaction_wait_s),
            status=StoreStatusReader(store, encoder.model_version, settings.status_max_age_s),
        )

    def close(self) -> None:
        """Write the queued interactions and close the encoders built for other versions (the served encoder and
        the store belong to the caller)."""
        self.interactions.close()
        self.encoders.close_others()
