"""Dependencies of the route handlers, as ``Annotated`` aliases; authentication lives here.

Every account route takes ``AccountDep``: the ``X-API-Key`` must be the admin key or the account's own key.
A key of another account gets the same 404 as a missing account, so account ids cannot be probed.

The dependencies are ``async``: FastAPI runs a plain function in its thread pool, a hop per dependency per
request. Keys and accounts are answered from the services' caches on the event loop; only a cache miss (or a
due freshness check) goes to the store, in the thread pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader

from answerbot.api.metrics import Metrics
from answerbot.service import (
    ID_PATTERN,
    AccountService,
    ArticleService,
    FeedbackService,
    MicroBatcher,
    Principal,
    RankingService,
    Services,
)
from answerbot.settings import Settings
from answerbot.store import Account

__all__ = [
    "API_KEY_HEADER",
    "AccountDep",
    "AccountPath",
    "AccountsDep",
    "AdminDep",
    "ArticleIdPath",
    "ArticlesDep",
    "BatcherDep",
    "FeedbackDep",
    "InteractionIdPath",
    "MetricsDep",
    "PrincipalDep",
    "RankingDep",
    "ServicesDep",
    "SettingsDep",
]

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="An account's API key (opens that account only) or the admin key (opens every account).",
)


def _from_state(name: str) -> Callable[[Request], Any]:
    """A dependency returning ``app.state.<name>`` (set by ``create_app`` or the lifespan)."""

    async def get(request: Request) -> Any:
        return getattr(request.app.state, name)

    return get


ServicesDep = Annotated[Services, Depends(_from_state("services"))]
BatcherDep = Annotated[MicroBatcher, Depends(_from_state("batcher"))]
MetricsDep = Annotated[Metrics, Depends(_from_state("metrics"))]
SettingsDep = Annotated[Settings, Depends(_from_state("settings"))]


async def get_ranking(services: ServicesDep) -> RankingService:
    return services.ranking


async def get_articles(services: ServicesDep) -> ArticleService:
    return services.articles


async def get_accounts(services: ServicesDep) -> AccountService:
    return services.accounts


async def get_feedback(services: ServicesDep) -> FeedbackService:
    return services.feedback


RankingDep = Annotated[RankingService, Depends(get_ranking)]
ArticlesDep = Annotated[ArticleService, Depends(get_articles)]
AccountsDep = Annotated[AccountService, Depends(get_accounts)]
FeedbackDep = Annotated[FeedbackService, Depends(get_feedback)]
AccountPath = Annotated[
    str, Path(pattern=ID_PATTERN, description="Account id: 1-128 letters, digits, '.', '_' or '-'.")
]
ArticleIdPath = Annotated[
    str, Path(pattern=ID_PATTERN, description="Article id: 1-128 letters, digits, '.', '_' or '-'.")
]
InteractionIdPath = Annotated[
    str, Path(pattern=ID_PATTERN, description="The interaction_id of a recommendation response.")
]


async def get_principal(accounts: AccountsDep, key: Annotated[str | None, Security(_api_key)]) -> Principal:
    """Who calls: 401 without a key or with an unknown one."""
    cached = accounts.peek_principal(key)
    return cached if cached is not None else await run_in_threadpool(accounts.authenticate, key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_account(account: AccountPath, principal: PrincipalDep, accounts: AccountsDep) -> Account:
    """The path's account, if the caller's key opens it; 404 otherwise."""
    cached = accounts.peek_authorized(principal, account)
    return cached if cached is not None else await run_in_threadpool(accounts.authorize, principal, account)


async def get_admin(principal: PrincipalDep) -> Principal:
    """The admin; 403 for an account key."""
    AccountService.require_admin(principal)
    return principal


AccountDep = Annotated[Account, Depends(get_account)]
AdminDep = Annotated[Principal, Depends(get_admin)]
