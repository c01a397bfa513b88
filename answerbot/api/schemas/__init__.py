"""Request and response bodies of the HTTP API, one module per resource."""

from answerbot.api.schemas.accounts import AccountCreateIn, AccountKeyOut, AccountOut, AccountPatchIn, AccountsOut
from answerbot.api.schemas.articles import (
    ArticleIn,
    ArticleOut,
    ArticlePageOut,
    BulkArticleIn,
    BulkArticlesIn,
    UpsertCountsOut,
)
from answerbot.api.schemas.common import ErrorBody, ErrorOut, HealthOut, ModelOut, ReadyOut
from answerbot.api.schemas.feedback import AnalyticsOut, CountsOut, DayOut, FeedbackIn, FeedbackOut
from answerbot.api.schemas.recommendations import (
    LanguageOut,
    RankedArticleOut,
    RecommendationIn,
    RecommendationModelOut,
    RecommendationOut,
    TokenWeightOut,
)

__all__ = [
    "AccountCreateIn",
    "AccountKeyOut",
    "AccountOut",
    "AccountPatchIn",
    "AccountsOut",
    "AnalyticsOut",
    "ArticleIn",
    "ArticleOut",
    "ArticlePageOut",
    "BulkArticleIn",
    "BulkArticlesIn",
    "CountsOut",
    "DayOut",
    "ErrorBody",
    "ErrorOut",
    "FeedbackIn",
    "FeedbackOut",
    "HealthOut",
    "LanguageOut",
    "ModelOut",
    "RankedArticleOut",
    "ReadyOut",
    "RecommendationIn",
    "RecommendationModelOut",
    "RecommendationOut",
    "TokenWeightOut",
    "UpsertCountsOut",
]
