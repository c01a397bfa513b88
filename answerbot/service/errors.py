"""Errors a caller can cause; ``str(error)`` says what to do.

Each class carries what the API answers with: ``status`` (the HTTP status code, a plain number here) and
``code`` (the JSON error code); ``field`` names the offending value. The API maps every ServiceError with
these attributes, so a new error needs no change there.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AccountNotFound",
    "ArticleNotFound",
    "Conflict",
    "Forbidden",
    "InputTooLarge",
    "InteractionNotFound",
    "InvalidInput",
    "NotFound",
    "QuotaExceeded",
    "ServiceError",
    "Unauthorized",
]


class ServiceError(Exception):
    """Base of the errors a caller can cause."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    field: str | None = None
    """Dotted name of the offending value (``top_k``, ``articles.3.title``, ``x-api-key``), or None."""
    in_body: bool = False
    """The field is in the request's payload even if a path or query parameter has the same name."""


class Unauthorized(ServiceError):
    """No API key, or one that belongs to no account."""

    status = 401
    code = "unauthorized"
    field = "x-api-key"


class Forbidden(ServiceError):
    """A valid account key used where only the admin key is accepted."""

    status = 403
    code = "forbidden"
    field = "x-api-key"


class NotFound(ServiceError):
    """Something the request names does not exist (or the caller's key does not open it)."""

    status = 404
    code = "not_found"


class AccountNotFound(NotFound):
    """No such account, or one the caller's key does not open (the two are not told apart)."""

    code, field = "account_not_found", "account"

    def __init__(self, account: str) -> None:
        super().__init__(f"account {account!r} not found; check the account id and that your API key belongs to it")


class ArticleNotFound(NotFound):
    """The account has no article with this id."""

    code, field = "article_not_found", "article_id"

    def __init__(self, account: str, article_id: str) -> None:
        super().__init__(f"account {account!r} has no article {article_id!r}; check the article id")


class InteractionNotFound(NotFound):
    """The account has no interaction with this id."""

    code, field = "interaction_not_found", "interaction_id"

    def __init__(self, account: str, interaction_id: str) -> None:
        what = f"account {account!r} has no interaction {interaction_id!r}"
        super().__init__(f"{what}; use the interaction_id of a recommendation")


class Conflict(ServiceError):
    """The write contradicts stored state (account id taken, interaction already resolved)."""

    status = 409
    code = "conflict"

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class QuotaExceeded(Conflict):
    """The write would take the account past its article quota (nothing was written)."""

    code = "quota_exceeded"


class InvalidInput(ServiceError):
    """A value is invalid; ``field`` is its dotted path, e.g. ``top_k`` or ``articles.3.title``."""

    status = 422
    code = "validation_error"

    def __init__(self, field: str, message: str, in_body: bool = False) -> None:
        self.field = field
        self.message = message
        self.in_body = in_body
        super().__init__(f"{field}: {message}")


class InputTooLarge(InvalidInput):
    """A text or a batch exceeds a configured limit."""

    status = 413
    code = "payload_too_large"
