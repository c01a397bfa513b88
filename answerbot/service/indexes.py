"""Each account's ranked material (an ``AccountIndex``) per model version, loaded from the store and cached."""

from __future__ import annotations

import numpy as np

from answerbot.encoders.base import EncoderError
from answerbot.index import AccountIndex, VectorCache
from answerbot.markup import snippet, strip_html
from answerbot.store import Store
from answerbot.text import article_text

__all__ = ["Indexes", "empty_index"]


def empty_index() -> AccountIndex:
    return AccountIndex([], np.zeros((0, 0), dtype=np.float32), [], [], [], [], [])


def load_index(store: Store, account: str, version: str) -> AccountIndex:
    """The account's articles with an up-to-date vector of ``version`` as an AccountIndex."""
    articles = store.vectors.for_index(account, version)
    if not articles:
        return empty_index()
    vectors = [a.vector for a in articles if a.vector is not None]
    dims = {v.shape[0] for v in vectors}
    if len(dims) != 1:
        raise EncoderError(f"account {account!r} has vectors of several dimensions {sorted(dims)}; re-encode it")
    return AccountIndex(
        ids=[a.article_id for a in articles],
        matrix=np.stack(vectors).astype(np.float32),
        titles=[a.title for a in articles],
        snippets=[snippet(strip_html(a.body)) for a in articles],
        texts=[article_text(a.title, a.body) for a in articles],
        locales=[a.locale for a in articles],
        labels=[a.labels for a in articles],
    )


class Indexes:
    """Per-process cache of AccountIndex per (account, model version); writers call ``invalidate``, and so
    does the ChangeWatcher of ``AccountService`` when another process changed the account.

    Keyed by version, so an account switched by the re-encoding job (in any process) is ranked from the
    new version's vectors once its new active version is read.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cache: VectorCache[AccountIndex] = VectorCache()

    def get(self, account: str, version: str) -> AccountIndex:
        return self._cache.get(account, version, lambda: load_index(self._store, account, version))

    def peek(self, account: str, version: str) -> AccountIndex | None:
        """The cached AccountIndex, or None (no I/O)."""
        return self._cache.peek(account, version)

    def invalidate(self, account: str) -> None:
        self._cache.invalidate(account)
