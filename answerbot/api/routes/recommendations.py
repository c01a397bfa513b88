"""Recommendations: an account's best articles for a ticket."""

from __future__ import annotations

from fastapi import APIRouter

from answerbot.api.deps import AccountPath, ServiceDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas import RecommendationIn, RecommendationOut

__all__ = ["router"]

router = APIRouter(prefix="/v1/accounts/{account}", tags=["recommendations"], responses=ERROR_RESPONSES)


@router.post("/recommendations")
def recommend(account: AccountPath, payload: RecommendationIn, service: ServiceDep) -> RecommendationOut:
    """The account's articles most similar to the enquiry, best first."""
    recommendation = service.recommend(account, payload.enquiry, payload.top_k)
    return RecommendationOut.from_recommendation(recommendation)
