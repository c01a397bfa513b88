"""The service layer (no HTTP): accounts, articles and ranking, feedback, micro-batching, explanations."""

from answerbot.service.accounts import ID_PATTERN, AccountService, Principal, hash_key, new_api_key
from answerbot.service.batching import MicroBatcher
from answerbot.service.errors import (
    AccountNotFound,
    ArticleNotFound,
    Conflict,
    Forbidden,
    InputTooLarge,
    InteractionNotFound,
    InvalidInput,
    ServiceError,
    Unauthorized,
)
from answerbot.service.explain import TokenWeight
from answerbot.service.feedback import FeedbackKind, FeedbackService, RejectionReason
from answerbot.service.ranking import (
    MAX_LABELS,
    MAX_PAGE_SIZE,
    ArticleInput,
    ArticlePage,
    ArticleWrite,
    RankedArticle,
    RankingService,
    Recommendation,
    UpsertCounts,
    WriteStatus,
)

__all__ = [
    "ID_PATTERN",
    "MAX_LABELS",
    "MAX_PAGE_SIZE",
    "AccountNotFound",
    "AccountService",
    "ArticleInput",
    "ArticleNotFound",
    "ArticlePage",
    "ArticleWrite",
    "Conflict",
    "FeedbackKind",
    "FeedbackService",
    "Forbidden",
    "InputTooLarge",
    "InteractionNotFound",
    "InvalidInput",
    "MicroBatcher",
    "Principal",
    "RankedArticle",
    "RankingService",
    "Recommendation",
    "RejectionReason",
    "ServiceError",
    "TokenWeight",
    "Unauthorized",
    "UpsertCounts",
    "WriteStatus",
    "hash_key",
    "new_api_key",
]
