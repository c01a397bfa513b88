"""Who holds the key, which model serves, and how recent interactions scored (for choosing a threshold)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from answerbot.api.deps import AccountDep, FeedbackDep, PrincipalDep, ServicesDep, SettingsDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas.insight import IdentityOut, ModelInfoOut, ScoreDistributionOut
from answerbot.service.model_info import describe_model
from answerbot.service.scores import MAX_BIN_WIDTH, MAX_RECENT, MIN_BIN_WIDTH

__all__ = ["router"]

router = APIRouter(prefix="/v1", responses=ERROR_RESPONSES)


@router.get("/me", tags=["accounts"])
def who_am_i(principal: PrincipalDep) -> IdentityOut:
    """Whom the X-API-Key belongs to: the admin, or one account (what a client signs in with)."""
    return IdentityOut(admin=principal.admin, account=principal.account)


@router.get("/model", tags=["operations"])
def served_model(principal: PrincipalDep, services: ServicesDep) -> ModelInfoOut:
    """The served model (name, version, dimension, languages, merge strategy) and the store's article counts."""
    status = services.status.read()
    return ModelInfoOut.from_info(describe_model(services.encoders.served), status.articles, status.stale)


@router.get("/accounts/{account}/interactions/scores", tags=["feedback"])
def score_distribution(
    account: AccountDep,
    feedback: FeedbackDep,
    settings: SettingsDep,
    last: Annotated[int, Query(ge=1, le=MAX_RECENT, description="How many recent interactions.")] = 1000,
    bin_width: Annotated[float, Query(ge=MIN_BIN_WIDTH, le=MAX_BIN_WIDTH, description="Histogram bin width.")] = 0.02,
) -> ScoreDistributionOut:
    """Histogram of the top scores of the account's last interactions, with resolutions and rejections per bin:
    how many a threshold would have offered, and how many of those were resolved."""
    dist = feedback.score_distribution(account.account_id, last, bin_width)
    threshold = settings.score_threshold if account.score_threshold is None else account.score_threshold
    return ScoreDistributionOut.from_distribution(account.account_id, dist, threshold)
