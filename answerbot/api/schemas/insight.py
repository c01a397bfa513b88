"""Who the caller is, the served model, and the distribution of recent interactions' top scores."""

from __future__ import annotations

from pydantic import BaseModel, Field

from answerbot.service.model_info import ModelInfo
from answerbot.service.scores import ScoreDistribution

__all__ = ["IdentityOut", "ModelInfoOut", "ScoreBinOut", "ScoreDistributionOut"]


class IdentityOut(BaseModel):
    """The holder of the API key: the admin (every account) or one account."""

    admin: bool
    account: str | None = Field(description="The account the key opens; null for the admin key.")


class ModelInfoOut(BaseModel):
    """The served model, as its export describes it, and the store's article counts."""

    name: str
    version: str
    dim: int
    languages: list[str]
    merge_strategy: str | None
    vocab_size: int | None
    max_tokens: int | None
    articles: int = Field(description="Articles of all accounts.")
    stale_articles: int = Field(description="Articles without a vector of the served model version.")

    @classmethod
    def from_info(cls, info: ModelInfo, articles: int, stale: int) -> ModelInfoOut:
        return cls(
            name=info.name,
            version=info.version,
            dim=info.dim,
            languages=list(info.languages),
            merge_strategy=info.merge_strategy,
            vocab_size=info.vocab_size,
            max_tokens=info.max_tokens,
            articles=articles,
            stale_articles=stale,
        )


class ScoreBinOut(BaseModel):
    lower: float = Field(description="Top scores in [lower, lower + bin_width).")
    interactions: int
    resolved: int
    rejected: int


class ScoreDistributionOut(BaseModel):
    """Top scores of the account's last interactions: a threshold t would have offered the interactions of
    every bin with ``lower >= t`` (at the bin edges exactly)."""

    account: str
    interactions: int = Field(description="Interactions read (at most `last`).")
    unscored: int = Field(description="Of those, interactions without a recorded top score.")
    bin_width: float
    bins: list[ScoreBinOut]
    score_threshold: float = Field(description="The account's effective score threshold now.")

    @classmethod
    def from_distribution(cls, account: str, dist: ScoreDistribution, threshold: float) -> ScoreDistributionOut:
        return cls(
            account=account,
            interactions=dist.interactions,
            unscored=dist.unscored,
            bin_width=dist.bin_width,
            bins=[
                ScoreBinOut(lower=b.lower, interactions=b.interactions, resolved=b.resolved, rejected=b.rejected)
                for b in dist.bins
            ],
            score_threshold=threshold,
        )
