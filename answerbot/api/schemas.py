"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from answerbot.service import ID_PATTERN, ArticlePage, Recommendation
from answerbot.service.feedback import FeedbackKind, RejectionReason
from answerbot.store.base import REJECTION_REASONS, Account, DailyCounts, FeedbackRecord, StoredArticle

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
    "RecommendationOut",
    "TokenWeightOut",
    "UpsertCountsOut",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# accounts


class AccountCreateIn(_In):
    """A new tenant; ``score_threshold`` None means the global ``ANSWERBOT_SCORE_THRESHOLD``."""

    account_id: str = Field(pattern=ID_PATTERN)
    score_threshold: float | None = Field(default=None, ge=-1.0, le=1.0)
    hybrid: bool = False
    lexical_fallback: bool = Field(
        default=False, description="When the encoder is down, answer with BM25 results (flagged) instead of 503."
    )


class AccountPatchIn(_In):
    """Settings to change; an explicit null ``score_threshold`` goes back to the global default."""

    score_threshold: float | None = Field(default=None, ge=-1.0, le=1.0)
    hybrid: bool | None = None
    lexical_fallback: bool | None = None


class AccountOut(BaseModel):
    account_id: str
    score_threshold: float | None
    effective_score_threshold: float
    hybrid: bool
    lexical_fallback: bool = False
    created_at: str

    @classmethod
    def from_account(cls, account: Account, default_threshold: float) -> AccountOut:
        threshold = account.score_threshold
        return cls(
            account_id=account.account_id,
            score_threshold=threshold,
            effective_score_threshold=default_threshold if threshold is None else threshold,
            hybrid=account.hybrid,
            lexical_fallback=account.lexical_fallback,
            created_at=account.created_at,
        )


class AccountKeyOut(BaseModel):
    """An account and its API key: the key is shown only here, store it now."""

    account: AccountOut
    api_key: str


class AccountsOut(BaseModel):
    items: list[AccountOut]


# articles


class ArticleIn(_In):
    """An article's content; its id is in the path. ``body`` may be HTML: stripped for encoding, kept for display."""

    title: str
    body: str
    locale: str | None = None
    labels: list[str] = Field(default_factory=list)


class BulkArticleIn(ArticleIn):
    """An article with its id, inside a bulk upload."""

    id: str = Field(pattern=ID_PATTERN)


class BulkArticlesIn(_In):
    """Articles written together: all of them or none."""

    articles: list[BulkArticleIn] = Field(min_length=1)


class ArticleOut(BaseModel):
    """A stored article, without its vector."""

    account: str
    article_id: str
    title: str
    body: str
    locale: str | None
    labels: list[str]
    model_version: str | None
    updated_at: str

    @classmethod
    def from_stored(cls, article: StoredArticle) -> ArticleOut:
        return cls(
            account=article.account,
            article_id=article.article_id,
            title=article.title,
            body=article.body,
            locale=article.locale,
            labels=list(article.labels),
            model_version=article.model_version,
            updated_at=article.updated_at,
        )


class ArticlePageOut(BaseModel):
    """One page of an account's articles, ordered by id."""

    items: list[ArticleOut]
    total: int
    limit: int
    offset: int

    @classmethod
    def from_page(cls, page: ArticlePage) -> ArticlePageOut:
        items = [ArticleOut.from_stored(a) for a in page.items]
        return cls(items=items, total=page.total, limit=page.limit, offset=page.offset)


class UpsertCountsOut(BaseModel):
    """What a bulk upload did."""

    created: int
    updated: int
    unchanged: int


# recommendations


class RecommendationIn(_In):
    """A ticket's text, optional filters, how many articles (default ``ANSWERBOT_DEFAULT_TOP_K``), and explain."""

    enquiry: str
    locale: str | None = Field(default=None, description="Prefer articles of this language; falls back to all.")
    labels: list[str] = Field(default_factory=list, description="Only articles with at least one of these labels.")
    top_k: int | None = Field(default=None, ge=1)
    explain: bool = False


class ModelOut(BaseModel):
    name: str
    version: str


class RecommendationModelOut(ModelOut):
    language: str = Field(description="Language detected in the enquiry (ISO 639-1, 'und' when unsure).")


class LanguageOut(BaseModel):
    code: str
    confidence: float


class TokenWeightOut(BaseModel):
    token: str
    weight: float = Field(description="Drop in cosine similarity when the token is removed from the enquiry.")


class RankedArticleOut(BaseModel):
    article_id: str
    title: str
    snippet: str
    score: float
    locale: str | None
    labels: list[str]
    explanation: list[TokenWeightOut] | None = None


class RecommendationOut(BaseModel):
    """An account's best articles for an enquiry, best first; ``outcome`` is offered or unoffered."""

    interaction_id: str
    account: str
    model: RecommendationModelOut
    language: LanguageOut
    outcome: Literal["offered", "unoffered"]
    score_threshold: float
    hybrid: bool
    locale_fallback: bool
    fallback: Literal["lexical"] | None = Field(
        default=None, description="'lexical': the encoder was down; BM25 ranked the articles (scores are BM25)."
    )
    explain_method: Literal["occlusion"] | None = None
    articles: list[RankedArticleOut]

    @classmethod
    def from_recommendation(cls, rec: Recommendation, explained: bool) -> RecommendationOut:
        return cls(
            interaction_id=rec.interaction_id,
            account=rec.account,
            model=RecommendationModelOut(name=rec.model_name, version=rec.model_version, language=rec.language.code),
            language=LanguageOut(code=rec.language.code, confidence=rec.language.confidence),
            outcome="offered" if rec.articles else "unoffered",
            score_threshold=rec.threshold,
            hybrid=rec.hybrid,
            locale_fallback=rec.locale_fallback,
            fallback="lexical" if rec.fallback == "lexical" else None,
            explain_method="occlusion" if explained and rec.fallback is None else None,
            articles=[
                RankedArticleOut(
                    article_id=a.article_id,
                    title=a.title,
                    snippet=a.snippet,
                    score=a.score,
                    locale=a.locale,
                    labels=list(a.labels),
                    explanation=None
                    if a.explanation is None
                    else [TokenWeightOut(token=t.token, weight=t.weight) for t in a.explanation],
                )
                for a in rec.articles
            ],
        )


# feedback and analytics


class FeedbackIn(_In):
    """A resolution (``article_id`` solved the ticket) or a rejection with a reason (default ``unknown``)."""

    type: FeedbackKind
    article_id: str | None = Field(default=None, pattern=ID_PATTERN)
    reason: RejectionReason | None = None


class FeedbackOut(BaseModel):
    interaction_id: str
    type: FeedbackKind
    article_id: str | None
    reason: RejectionReason | None
    created_at: str

    @classmethod
    def from_record(cls, record: FeedbackRecord) -> FeedbackOut:
        return cls(
            interaction_id=record.interaction_id,
            type=FeedbackKind(record.kind),
            article_id=record.article_id,
            reason=None if record.reason is None else RejectionReason(record.reason),
            created_at=record.created_at,
        )


class CountsOut(BaseModel):
    attempts: int
    offered: int
    unoffered: int
    resolutions: int
    rejections: dict[str, int] = Field(description="By reason: unknown, not_related, related_but_did_not_answer.")


class DayOut(CountsOut):
    day: date

    @classmethod
    def from_counts(cls, counts: DailyCounts) -> DayOut:
        return cls(
            day=date.fromisoformat(counts.day),
            attempts=counts.attempts,
            offered=counts.offered,
            unoffered=counts.unoffered,
            resolutions=counts.resolutions,
            rejections=dict(counts.rejections),
        )


class AnalyticsOut(BaseModel):
    """Per UTC day from ``first_day`` to ``last_day`` (days without interactions are left out), and in total."""

    account: str
    first_day: date
    last_day: date
    days: list[DayOut]
    totals: CountsOut

    @classmethod
    def from_days(cls, account: str, first: date, last: date, days: list[DailyCounts]) -> AnalyticsOut:
        rejections: dict[str, int] = {}
        for d in days:
            for reason, n in d.rejections.items():
                rejections[reason] = rejections.get(reason, 0) + n
        totals = CountsOut(
            attempts=sum(d.attempts for d in days),
            offered=sum(d.offered for d in days),
            unoffered=sum(d.unoffered for d in days),
            resolutions=sum(d.resolutions for d in days),
            rejections=rejections or dict.fromkeys(REJECTION_REASONS, 0),
        )
        return cls(
            account=account, first_day=first, last_day=last, days=[DayOut.from_counts(d) for d in days], totals=totals
        )


# operations


class HealthOut(BaseModel):
    status: Literal["ok"]
    model: ModelOut
    articles: int


class ReadyOut(BaseModel):
    status: Literal["ready"]
    model: ModelOut


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None


class ErrorOut(BaseModel):
    """Every error response: ``{"error": {"code", "message", "field"}}``."""

    error: ErrorBody
