"""Account bodies: create, change settings, the account as shown, its key shown once."""

from __future__ import annotations

from pydantic import BaseModel, Field

from answerbot.api.schemas.common import In
from answerbot.service import ID_PATTERN
from answerbot.store import Account

__all__ = ["AccountCreateIn", "AccountKeyOut", "AccountOut", "AccountPatchIn", "AccountsOut"]

TARGET = (
    "Precision to reach instead of a score threshold, strictly between 0 and 1: the lowest threshold whose "
    "calibrated precision reaches it is used (the account's own calibration once it has enough feedback, "
    "else the model's). Not together with score_threshold."
)
SHARE = "Whether this account's resolutions and rejections may train the universal model (feedback export)."


class AccountCreateIn(In):
    """A new tenant; ``score_threshold`` None means the global ``ANSWERBOT_SCORE_THRESHOLD``."""

    account_id: str = Field(pattern=ID_PATTERN)
    score_threshold: float | None = Field(default=None, ge=-1.0, le=1.0)
    hybrid: bool = False
    lexical_fallback: bool = Field(
        default=False, description="When the encoder is down, answer with BM25 results (flagged) instead of 503."
    )
    target_precision: float | None = Field(default=None, description=TARGET)
    share_feedback: bool = Field(default=True, description=SHARE)


class AccountPatchIn(In):
    """Settings to change; an explicit null ``score_threshold`` goes back to the global default, an explicit null
    ``target_precision`` drops the target. Setting a threshold clears the target and the other way round."""

    score_threshold: float | None = Field(default=None, ge=-1.0, le=1.0)
    hybrid: bool | None = None
    lexical_fallback: bool | None = None
    target_precision: float | None = Field(default=None, description=TARGET)
    share_feedback: bool | None = Field(default=None, description=SHARE)


class AccountOut(BaseModel):
    account_id: str
    score_threshold: float | None
    effective_score_threshold: float = Field(
        description="The threshold recommendations use: the account's own, else its target precision's (through "
        "the calibration), else the global ANSWERBOT_SCORE_THRESHOLD."
    )
    hybrid: bool
    lexical_fallback: bool = False
    target_precision: float | None = None
    share_feedback: bool = True
    created_at: str

    @classmethod
    def from_account(cls, account: Account, default_threshold: float) -> AccountOut:
        """``default_threshold``: what applies without the account's own threshold (its target precision's
        threshold through the calibration, else the global one)."""
        threshold = account.score_threshold
        return cls(
            account_id=account.account_id,
            score_threshold=threshold,
            effective_score_threshold=default_threshold if threshold is None else threshold,
            hybrid=account.hybrid,
            lexical_fallback=account.lexical_fallback,
            target_precision=account.target_precision,
            share_feedback=account.share_feedback,
            created_at=account.created_at,
        )


class AccountKeyOut(BaseModel):
    """An account and its API key: the key is shown only here, store it now."""

    account: AccountOut
    api_key: str


class AccountsOut(BaseModel):
    items: list[AccountOut]
