"""Tenants and API keys: keys are random 256-bit tokens, stored only as SHA-256 hashes.

A fast hash is enough for keys with 256 bits of entropy (no dictionary to guess from); the admin key
comes from settings (``ANSWERBOT_ADMIN_KEY``) and opens every account. Keys are compared in constant time.

Account records and which account a key hash belongs to are cached in the process; this process's own
writes drop its entries at once, other processes' writes at most ``ANSWERBOT_CACHE_MAX_AGE_S`` later
(``answerbot.service.freshness``). ``peek`` and ``peek_principal`` answer from the cache only (no I/O).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from answerbot.index import VectorCache
from answerbot.service.errors import AccountNotFound, Conflict, Forbidden, InvalidInput, Unauthorized
from answerbot.service.freshness import ChangeWatcher
from answerbot.service.validation import check_id
from answerbot.settings import Settings
from answerbot.store import Account, Duplicate, Store, utc_now

__all__ = ["KEY_PREFIX", "AccountService", "Principal", "hash_key", "new_api_key"]

KEY_PREFIX = "ab_"
MIN_KEY_CHARS = 16
_RECORD = "record"


def new_api_key() -> str:
    """A fresh API key: ``ab_`` and 43 URL-safe characters (256 random bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """SHA-256 hex of the key: what the store keeps."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the admin, or one account."""

    admin: bool
    account: str | None


class AccountService:
    """Creates accounts, rotates keys, changes per-account settings and checks keys.

    ``on_change(account)`` is called when another process changed the account (its articles, vectors or
    settings), so caches built on it (the ranked articles) are dropped too.
    """

    def __init__(self, store: Store, settings: Settings, on_change: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.settings = settings
        self._records: VectorCache[Account | None] = VectorCache()
        self._owners: dict[str, str] = {}
        """key hash -> account id, checked against the account's record before it is trusted."""
        self._on_change = on_change
        self.watcher = ChangeWatcher(store, settings.cache_max_age_s, self._changed)

    def _changed(self, account_id: str) -> None:
        self._records.invalidate(account_id)
        if self._on_change is not None:
            self._on_change(account_id)

    def forget(self, account_id: str) -> None:
        """Drop the cached record of ``account_id`` (after this process changed it)."""
        self._records.invalidate(account_id)

    def create(
        self,
        account_id: str,
        score_threshold: float | None = None,
        hybrid: bool = False,
        api_key: str | None = None,
        lexical_fallback: bool = False,
        target_precision: float | None = None,
        share_feedback: bool = True,
    ) -> tuple[Account, str]:
        """A new account and its API key (shown once); ``api_key`` fixes the key (demo accounts)."""
        check_id(account_id, "account_id", "account id")
        _check_threshold(score_threshold)
        _check_target(target_precision, score_threshold)
        key = new_api_key() if api_key is None else api_key
        if len(key) < MIN_KEY_CHARS:
            raise InvalidInput("api_key", f"api_key has {len(key)} characters; use at least {MIN_KEY_CHARS}")
        account = Account(
            account_id,
            hash_key(key),
            score_threshold,
            hybrid,
            utc_now(),
            lexical_fallback,
            target_precision=target_precision,
            share_feedback=share_feedback,
        )
        try:
            self.store.accounts.create(account)
        except Duplicate as e:
            raise Conflict("account_id", f"account {account_id!r} exists; pick another id or rotate its key") from e
        self.forget(account_id)
        return account, key

    def get(self, account_id: str) -> Account:
        """The account (cached); AccountNotFound when absent."""
        check_id(account_id, "account", "account")
        self.watcher.check()
        account = self._records.get(account_id, _RECORD, lambda: self.store.accounts.get(account_id))
        if account is None:
            raise AccountNotFound(account_id)
        return account

    def peek(self, account_id: str) -> Account | None:
        """The cached account while the cache is fresh, else None (no I/O: ``get`` does the rest)."""
        return self._records.peek(account_id, _RECORD) if self.watcher.fresh() else None

    def list(self) -> list[Account]:
        """Every account, ordered by id."""
        return self.store.accounts.all()

    def update(
        self,
        account_id: str,
        hybrid: bool | None = None,
        score_threshold: float | None = None,
        set_threshold: bool = False,
        lexical_fallback: bool | None = None,
        target_precision: float | None = None,
        set_target: bool = False,
        share_feedback: bool | None = None,
    ) -> Account:
        """Change settings; with ``set_threshold`` the threshold becomes ``score_threshold`` (None: global default),
        with ``set_target`` the target precision becomes ``target_precision`` (None: none). A threshold and a
        target exclude each other: setting one clears the other, sending both is an error."""
        account = self.get(account_id)
        threshold, target = account.score_threshold, account.target_precision
        if set_threshold:
            _check_threshold(score_threshold)
            threshold = score_threshold
            if score_threshold is not None:
                target = None
        if set_target:
            _check_target(target_precision, score_threshold if set_threshold else None)
            target = target_precision
            if target_precision is not None:
                threshold = None
        updated = dataclasses.replace(
            account,
            score_threshold=threshold,
            hybrid=account.hybrid if hybrid is None else hybrid,
            lexical_fallback=account.lexical_fallback if lexical_fallback is None else lexical_fallback,
            target_precision=target,
            share_feedback=account.share_feedback if share_feedback is None else share_feedback,
        )
        self.store.accounts.update(updated)
        self.forget(account_id)
        return updated

    def rotate_key(self, account_id: str) -> tuple[Account, str]:
        """A new key for the account; the old one stops working at once."""
        key = new_api_key()
        account = dataclasses.replace(self.get(account_id), key_hash=hash_key(key))
        self.store.accounts.update(account)
        self.forget(account_id)
        return account, key

    def authenticate(self, key: str | None) -> Principal:
        """Who holds ``key``; Unauthorized when missing or unknown."""
        if not key:
            raise Unauthorized("missing API key; send it in the X-API-Key header")
        if self._is_admin(key):
            return Principal(admin=True, account=None)
        digest = hash_key(key)
        owner = self._owners.get(digest)
        if owner is not None:
            try:
                if _opens(self.get(owner), digest):
                    return Principal(admin=False, account=owner)
            except AccountNotFound:
                pass
            self._owners.pop(digest, None)  # the key was rotated
        account = self.store.accounts.by_key_hash(digest)
        if account is None or not _opens(account, digest):
            raise Unauthorized("unknown API key; check the X-API-Key header or ask the admin to rotate the key")
        self._owners[digest] = account.account_id
        return Principal(admin=False, account=account.account_id)

    def peek_principal(self, key: str | None) -> Principal | None:
        """``authenticate(key)`` from the cache only: None when it would need the store (or fail)."""
        if not key:
            return None
        if self._is_admin(key):
            return Principal(admin=True, account=None)
        digest = hash_key(key)
        owner = self._owners.get(digest)
        account = None if owner is None else self.peek(owner)
        if account is None or not _opens(account, digest):
            return None
        return Principal(admin=False, account=account.account_id)

    def authorize(self, principal: Principal, account_id: str) -> Account:
        """The account if ``principal`` may use it; AccountNotFound otherwise, exactly as for a missing account."""
        self._check_access(principal, account_id)
        return self.get(account_id)

    def peek_authorized(self, principal: Principal, account_id: str) -> Account | None:
        """``authorize`` from the cache only: None when it would need the store."""
        self._check_access(principal, account_id)
        return self.peek(account_id)

    @staticmethod
    def _check_access(principal: Principal, account_id: str) -> None:
        if not principal.admin and principal.account != account_id:
            raise AccountNotFound(account_id)

    def _is_admin(self, key: str) -> bool:
        return hmac.compare_digest(key.encode("utf-8"), self.settings.admin_key.get_secret_value().encode("utf-8"))

    @staticmethod
    def require_admin(principal: Principal) -> None:
        """Forbidden unless the admin key was used."""
        if not principal.admin:
            raise Forbidden("this route needs the admin key (ANSWERBOT_ADMIN_KEY) in X-API-Key")


def _opens(account: Account, digest: str) -> bool:
    """Whether ``account``'s key hashes to ``digest`` (constant time)."""
    return account.key_hash is not None and hmac.compare_digest(account.key_hash, digest)


def _check_threshold(value: float | None) -> None:
    if value is not None and not -1.0 <= value <= 1.0:
        raise InvalidInput("score_threshold", f"score_threshold={value} is out of range; use -1 to 1")


def _check_target(value: float | None, threshold: float | None) -> None:
    if value is None:
        return
    if not 0.0 < value < 1.0:
        raise InvalidInput(
            "target_precision", f"target_precision={value} is out of range; use a precision strictly between 0 and 1"
        )
    if threshold is not None:
        raise InvalidInput(
            "target_precision",
            f"target_precision={value} sent with score_threshold={threshold}; send one of them: a target precision "
            "picks the threshold through the model's calibration",
        )
