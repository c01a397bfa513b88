"""Accounts: the admin creates and lists them; an account reads and changes its settings and rotates its key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from answerbot.api.deps import AccountDep, AccountsDep, AdminDep, RankingDep
from answerbot.api.errors import ERROR_RESPONSES
from answerbot.api.schemas import AccountCreateIn, AccountKeyOut, AccountOut, AccountPatchIn, AccountsOut, ErrorOut

__all__ = ["router"]

_ADMIN_ONLY: dict[int | str, dict[str, Any]] = {403: {"model": ErrorOut, "description": "Not the admin key"}}
router = APIRouter(prefix="/v1/accounts", tags=["accounts"], responses=ERROR_RESPONSES)


@router.post("", status_code=status.HTTP_201_CREATED, responses=_ADMIN_ONLY)
def create_account(
    payload: AccountCreateIn, admin: AdminDep, accounts: AccountsDep, ranking: RankingDep
) -> AccountKeyOut:
    """Create an account (admin key only); the response carries its API key, shown only once."""
    account, key = accounts.create(
        payload.account_id,
        payload.score_threshold,
        payload.hybrid,
        lexical_fallback=payload.lexical_fallback,
        target_precision=payload.target_precision,
        share_feedback=payload.share_feedback,
    )
    return AccountKeyOut(account=AccountOut.from_account(account, ranking.effective_threshold(account)), api_key=key)


@router.get("", responses=_ADMIN_ONLY)
def list_accounts(admin: AdminDep, accounts: AccountsDep, ranking: RankingDep) -> AccountsOut:
    """Every account (admin key only)."""
    return AccountsOut(items=[AccountOut.from_account(a, ranking.effective_threshold(a)) for a in accounts.list()])


@router.get("/{account}")
def get_account(account: AccountDep, ranking: RankingDep) -> AccountOut:
    """The account's settings."""
    return AccountOut.from_account(account, ranking.effective_threshold(account))


@router.patch("/{account}")
def patch_account(
    account: AccountDep, payload: AccountPatchIn, accounts: AccountsDep, ranking: RankingDep
) -> AccountOut:
    """Change the score threshold (null: back to the global default) or the target precision (null: none),
    switch hybrid scoring, lexical fallback or feedback sharing."""
    updated = accounts.update(
        account.account_id,
        hybrid=payload.hybrid,
        score_threshold=payload.score_threshold,
        set_threshold="score_threshold" in payload.model_fields_set,
        lexical_fallback=payload.lexical_fallback,
        target_precision=payload.target_precision,
        set_target="target_precision" in payload.model_fields_set,
        share_feedback=payload.share_feedback,
    )
    return AccountOut.from_account(updated, ranking.effective_threshold(updated))


@router.post("/{account}/api-key")
def rotate_key(account: AccountDep, accounts: AccountsDep, ranking: RankingDep) -> AccountKeyOut:
    """A new API key for the account; the old one stops working at once."""
    rotated, key = accounts.rotate_key(account.account_id)
    return AccountKeyOut(account=AccountOut.from_account(rotated, ranking.effective_threshold(rotated)), api_key=key)
