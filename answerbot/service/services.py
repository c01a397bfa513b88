"""``Services``: every service of one process over one store and one served encoder, built and closed together."""

from __future__ import annotations

from dataclasses import dataclass

from answerbot.encoders.base import Encoder
from answerbot.service.accounts import AccountService
from answerbot.service.articles import ArticleService
from answerbot.service.encoding import EncoderFactory, Encoders
from answerbot.service.feedback import FeedbackService
from answerbot.service.indexes import Indexes
from answerbot.service.parts import ServiceParts
from answerbot.service.ranking import RankingService
from answerbot.service.status import StoreStatusReader
from answerbot.settings import Settings
from answerbot.store import Store

__all__ = ["Services"]


@dataclass(frozen=True)
class Services(ServiceParts):
    """The parts (store, accounts, encoders, index cache, settings) and the services built on them."""

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
        parts = (store, AccountService(store, settings), Encoders(encoder, encoder_for), Indexes(store), settings)
        return cls(
            *parts,
            articles=ArticleService(*parts),
            ranking=RankingService(*parts),
            feedback=FeedbackService(store),
            status=StoreStatusReader(store, encoder.model_version, settings.status_max_age_s),
        )

    def close(self) -> None:
        """Close the encoders built for other versions (the served encoder and the store belong to the caller)."""
        self.encoders.close_others()
