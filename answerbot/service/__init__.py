"""The service layer (no HTTP): accounts, articles, ranking, feedback, micro-batching, re-encoding."""

from answerbot.service.accounts import AccountService, Principal, hash_key, new_api_key
from answerbot.service.articles import ArticlePage, ArticleService, ArticleWrite, UpsertCounts, WriteStatus
from answerbot.service.batching import MicroBatcher
from answerbot.service.encoding import Encoders, encode_checked
from answerbot.service.errors import (
    AccountNotFound,
    ArticleNotFound,
    Conflict,
    Forbidden,
    InputTooLarge,
    InteractionNotFound,
    InvalidInput,
    QuotaExceeded,
    ServiceError,
    Unauthorized,
)
from answerbot.service.explain import TokenWeight
from answerbot.service.feedback import FeedbackKind, FeedbackService, RejectionReason
from answerbot.service.ranking import RankingService, Recommendation
from answerbot.service.selection import RankedArticle
from answerbot.service.services import Services
from answerbot.service.validation import ID_PATTERN, MAX_LABELS, MAX_PAGE_SIZE, ArticleInput

__all__ = [
    "ID_PATTERN",
    "MAX_LABELS",
    "MAX_PAGE_SIZE",
    "AccountNotFound",
    "AccountService",
    "ArticleInput",
    "ArticleNotFound",
    "ArticlePage",
    "ArticleService",
    "ArticleWrite",
    "Conflict",
    "Encoders",
    "FeedbackKind",
    "FeedbackService",
    "Forbidden",
    "InputTooLarge",
    "InteractionNotFound",
    "InvalidInput",
    "MicroBatcher",
    "Principal",
    "QuotaExceeded",
    "RankedArticle",
    "RankingService",
    "Recommendation",
    "RejectionReason",
    "ServiceError",
    "Services",
    "TokenWeight",
    "Unauthorized",
    "UpsertCounts",
    "WriteStatus",
    "encode_checked",
    "hash_key",
    "new_api_key",
]
