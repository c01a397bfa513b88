"""``Services``: every service of one process over one store and one served encoder, built and closed together."""

from __future__ import annotations

from dataclasses import dataclass

from answerbot.encoders.base import Encoder
from answerbot.service.accounts import AccountService
from answerbot.service.articles import ArticleService
from answerbot.service.encoding import EncoderFactory, Encoders
from answerbot.service.feedback import FeedbackService
from answerbot.service.indexes import Indexes
from answerbot.service.ranking import RankingService
from answerbot.service.status import StoreStatusReader
from answerbot.settings import Settings
from answerbot.store import Store

__all__ = ["Services"]


@dataclass(frozen=True)
class Services:
    """Articles, ranking, accounts, feedback and store status, sharing one encoder registry and index cache."""

    store: Store
    encoders: Encoders
    articles: ArticleService
    ranking: RankingService
    accounts: AccountService
    feedback: FeedbackService
    status: StoreStatusReader

    @classmethod
    def build(
        cls, store: Store, encoder: Encoder, settings: Settings, encoder_for: EncoderFactory | None = None
    ) -> Services:
        """Services over ``store`` serving ``encoder``; ``encoder_for(version)`` builds encoders of other
        versions that accounts are still active on (None: only ``encoder``'s version can be ranked)."""
        encoders = Encoders(encoder, encoder_for)
        indexes = Indexes(store)
        return cls(
            store=store,
            encoders=encoders,
            articles=ArticleService(store, encoders, indexes, settings),
            ranking=RankingService(store, encoders, indexes, settings),
            accounts=AccountService(store, settings),
            feedback=FeedbackService(store),
            status=StoreStatusReader(store, encoder.model_version, settings.status_max_age_s),
        )

    def close(self) -> None:
        """Close the encoders built for other versions (the served encoder and the store belong to the caller)."""
        self.encoders.close_others()
