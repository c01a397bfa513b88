"""Errors a caller can cause; ``str(error)`` says what to do. The API maps each to one HTTP status."""

from __future__ import annotations

__all__ = [
    "AccountNotFound",
    "ArticleNotFound",
    "Conflict",
    "Forbidden",
    "InputTooLarge",
    "InteractionNotFound",
    "InvalidInput",
    "ServiceError",
    "Unauthorized",
]


class ServiceError(Exception):
    """Base of the errors a caller can cause."""


class Unauthorized(ServiceError):
    """No API key, or one that belongs to no account."""


class Forbidden(ServiceError):
    """A valid account key used where only the admin key is accepted."""


class AccountNotFound(ServiceError):
    """No such account, or one the caller's key does not open (the two are not told apart)."""

    def __init__(self, account: str) -> None:
        self.account = account
        super().__init__(f"account {account!r} not found; check the account id and that your API key belongs to it")


class ArticleNotFound(ServiceError):
    """The account has no article with this id."""

    def __init__(self, account: str, article_id: str) -> None:
        self.account = account
        self.article_id = article_id
        super().__init__(f"account {account!r} has no article {article_id!r}; check the article id")


class InteractionNotFound(ServiceError):
    """The account has no interaction with this id."""

    def __init__(self, account: str, interaction_id: str) -> None:
        self.interaction_id = interaction_id
        super().__init__(
            f"account {account!r} has no interaction {interaction_id!r}; use the interaction_id of a recommendation"
        )


class Conflict(ServiceError):
    """The write contradicts stored state (account id taken, interaction already resolved)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class InvalidInput(ServiceError):
    """A value is invalid; ``field`` is its dotted path, e.g. ``top_k`` or ``articles.3.title``.

    ``in_body`` says the field is in the request's payload even if a path parameter has the same name.
    """

    def __init__(self, field: str, message: str, in_body: bool = False) -> None:
        self.field = field
        self.message = message
        self.in_body = in_body
        super().__init__(f"{field}: {message}")


class InputTooLarge(InvalidInput):
    """A text or a batch exceeds a configured limit."""
