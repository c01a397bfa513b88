"""Recommendation bodies: the enquiry with its filters, the ranked articles with scores and explanations."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from answerbot.api.schemas.common import In, ModelOut
from answerbot.service import Recommendation

__all__ = [
    "LanguageOut",
    "RankedArticleOut",
    "RecommendationIn",
    "RecommendationModelOut",
    "RecommendationOut",
    "TokenWeightOut",
    "UnofferedOut",
]


class RecommendationIn(In):
    """A ticket's text, optional filters, how many articles (default ``ANSWERBOT_DEFAULT_TOP_K``), and explain."""

    enquiry: str
    locale: str | None = Field(default=None, description="Prefer articles of this language; falls back to all.")
    labels: list[str] = Field(default_factory=list, description="Only articles with at least one of these labels.")
    top_k: int | None = Field(default=None, ge=1)
    explain: bool = False


class RecommendationModelOut(ModelOut):
    language: str = Field(description="Language detected in the enquiry (ISO 639-1, 'und' when unsure).")


class LanguageOut(BaseModel):
    code: str
    confidence: float


class TokenWeightOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    token: str
    weight: float = Field(description="Drop in cosine similarity when the token is removed from the enquiry.")


class RankedArticleOut(BaseModel):
    """A ranked article (read from the service's RankedArticle)."""

    model_config = ConfigDict(from_attributes=True)

    article_id: str
    title: str
    snippet: str
    score: float
    locale: str | None
    labels: list[str]
    explanation: list[TokenWeightOut] | None = None


class UnofferedOut(BaseModel):
    """Why nothing was offered."""

    reason: Literal["no_articles", "filtered", "below_threshold"] = Field(
        description="no_articles: the account has none; filtered: no article with the labels passed the "
        "threshold; below_threshold: no article reached the threshold."
    )
    message: str


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
    top_score: float | None = Field(
        default=None,
        description="The best score of an article with the labels, before the threshold (what the threshold "
        "was compared with); null when no article has the labels.",
    )
    unoffered: UnofferedOut | None = Field(default=None, description="Why nothing was offered; null when offered.")
    confidence: float | None = Field(
        default=None,
        description="Calibrated probability that the top article is right (from top_score); null without a "
        "calibration or without a top score.",
    )
    calibration: Literal["global", "account"] | None = Field(
        default=None,
        description="Which calibration gave confidence and a target precision's threshold: 'account' (fitted on "
        "this account's resolutions and rejections once it has enough), 'global' (the model's), null (none).",
    )

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
            articles=[RankedArticleOut.model_validate(a) for a in rec.articles],
            top_score=rec.top_score,
            unoffered=None
            if rec.unoffered is None
            else UnofferedOut(reason=rec.unoffered.reason.value, message=rec.unoffered.message),
            confidence=rec.confidence,
            calibration="account" if rec.calibration == "account" else "global" if rec.calibration else None,
        )
