"""What the article and ranking services share: the store, account lookup, the encoders, the index cache, the
interaction log."""

from __future__ import annotations

from dataclasses import dataclass

from answerbot.service.accounts import AccountService
from answerbot.service.encoding import Encoders
from answerbot.service.indexes import Indexes
from answerbot.service.interaction_log import InteractionLog
from answerbot.settings import Settings
from answerbot.store import Store

__all__ = ["ServiceParts"]


@dataclass(frozen=True)
class ServiceParts:
    """The parts a service works with; ``ArticleService`` and ``RankingService`` take them as they are."""

    store: Store
    accounts: AccountService
    encoders: Encoders
    indexes: Indexes
    settings: Settings
    interactions: InteractionLog
