"""Re-encode stored articles under model version N, then switch each account to N atomically.

The job, whatever engine encodes:

1. refuses unless the encoder reports ``model_version == N``;
2. streams the articles that still need a version-N vector from the store, in pages of ``batch_size``
   (keyset pagination, so memory stays flat), encodes each page and writes it with ``store.vectors.put``:
   one transaction per page, upserts keyed by (account, article_id, N), so a page is written whole or not
   at all and written twice is still one row;
3. switches every account in scope with ``store.vectors.activate``: one transaction that first checks that each of the
   account's articles has an up-to-date version-N vector (articles uploaded meanwhile are encoded and the
   switch retried), then sets ``active_version``. Rankings read the active version per request, so they see
   all of the old version or all of N, never a mix.

"Needs a vector": default (full refresh), every article without a version-N vector written by *this* job;
the job's id is kept in the store until it completes, so a killed job started again resumes where it
stopped. ``only_stale``: only articles without a version-N vector made from their current content hash
(new or changed articles), whoever wrote it.

An ``Engine`` turns pages of articles into vectors: ``local_engine`` in this process; the Ray Data engine
lives in ``answerbot.batch.ray_engine``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from answerbot.encoders.base import Encoder, EncoderError
from answerbot.encoders.factory import build_encoder
from answerbot.service.encoding import encode_checked
from answerbot.service.errors import AccountNotFound
from answerbot.settings import Settings
from answerbot.store import Store, StoredArticle, job_key
from answerbot.text import article_text

__all__ = [
    "Engine",
    "Page",
    "ReencodeError",
    "ReencodeOptions",
    "ReencodeSummary",
    "encoder_for_version",
    "is_newer",
    "local_engine",
    "reencode_stale",
    "run_reencode",
]

Page = list[StoredArticle]
Engine = Callable[[Iterable[Page]], Iterator[tuple[Page, np.ndarray]]]
"""Encodes a stream of pages; yields each page with its float32 vectors [len(page), dim], in any order."""

_SWITCH_RETRIES = 5


class ReencodeError(EncoderError):
    """The job cannot run (wrong encoder version) or could not complete an account."""


@dataclass(frozen=True)
class ReencodeOptions:
    """What to re-encode: model version N, one account or all, full refresh or only stale articles."""

    model_version: str
    account: str | None = None
    only_stale: bool = False
    batch_size: int = 256
    prune: bool = False
    """After an account switched, delete its vectors of every other model version."""


@dataclass
class ReencodeSummary:
    """What a job did."""

    model_version: str
    accounts: int = 0
    switched: list[str] = field(default_factory=list)
    encoded: int = 0
    skipped: int = 0
    seconds: float = 0.0
    resumed: bool = False

    @property
    def articles_per_s(self) -> float:
        return self.encoded / self.seconds if self.seconds > 0 else 0.0


def encoder_for_version(settings: Settings, version: str) -> Encoder:
    """The configured encoder kind pinned to ``version``: ``model_root/<version>`` in-process, or TF Serving's."""
    if not version.isdigit() or int(version) < 1:
        raise ReencodeError(f"--model-version {version!r} is not a positive integer; use the version folder's number")
    pinned = settings.model_copy(update={"serving_model_version": int(version), "serving_model_label": None})
    return build_encoder(pinned)


def is_newer(version: str | None, than: str) -> bool:
    """Whether model ``version`` is numerically newer than ``than`` (None, or a non-number, is not)."""
    return version is not None and version.isdigit() and than.isdigit() and int(version) > int(than)


def local_engine(encoder: Encoder) -> Engine:
    """Encode each page in this process, in order."""

    def run(pages: Iterable[Page]) -> Iterator[tuple[Page, np.ndarray]]:
        for page in pages:
            yield page, encode_checked(encoder, [article_text(a.title, a.body) for a in page])

    return run


def _pages(store: Store, version: str, account: str | None, job: str | None, size: int) -> Iterator[Page]:
    after: tuple[str, str] | None = None
    while True:
        page = store.vectors.pending(version, account=account, job=job, after=after, limit=size)
        if not page:
            return
        yield page
        after = (page[-1].account, page[-1].article_id)


def run_reencode(
    store: Store,
    encoder_version: str,
    engine: Engine,
    options: ReencodeOptions,
    progress: Callable[[int, int], None] | None = None,
) -> ReencodeSummary:
    """Run the job; ``progress(done, total)`` after each written page. ``encoder_version``: what the engine encodes."""
    version = options.model_version
    if encoder_version != version:
        raise ReencodeError(
            f"--model-version {version} but the encoder serves model version {encoder_version}; set "
            f"ANSWERBOT_SERVING_MODEL_VERSION={version} (or export version {version} under ANSWERBOT_MODEL_ROOT)"
        )
    if options.batch_size < 1:
        raise ReencodeError(f"--batch-size {options.batch_size} must be at least 1")
    if options.account is not None and options.account not in store.accounts.ids():
        raise AccountNotFound(options.account)
    started = time.perf_counter()
    summary = ReencodeSummary(version)
    key = job_key(version, options.account)
    job: str | None = None
    if not options.only_stale:
        job, summary.resumed = store.jobs.begin(key, version)
    in_scope = store.articles.count(options.account)
    total = store.vectors.count_pending(version, account=options.account, job=job)
    done = 0

    def write(pages: Iterable[Page]) -> None:
        nonlocal done
        for page, vectors in engine(pages):
            rows = [(a.account, a.article_id, a.content_hash, v) for a, v in zip(page, vectors, strict=True)]
            store.vectors.put(version, rows, job)
            done += len(page)
            if progress is not None:
                progress(done, max(total, done))

    write(_pages(store, version, options.account, job, options.batch_size))
    accounts = [options.account] if options.account is not None else store.accounts.ids()
    for account in accounts:
        before = store.accounts.active_version(account)
        for _ in range(_SWITCH_RETRIES):
            if store.vectors.activate(account, version) == 0:
                break
            write(_pages(store, version, account, None, options.batch_size))  # uploaded or changed meanwhile
        else:
            raise ReencodeError(
                f"account {account!r}: articles keep changing while switching to model version {version}; "
                "run the job again when uploads are quieter"
            )
        if before != version:
            summary.switched.append(account)
        if options.prune:
            store.vectors.prune(account, [version])
    if job is not None:
        store.jobs.end(key)
    summary.accounts = len(accounts)
    summary.encoded = done
    summary.skipped = max(in_scope - done, 0)
    summary.seconds = time.perf_counter() - started
    return summary


def reencode_stale(store: Store, encoder: Encoder, account: str | None = None, batch_size: int = 256) -> int:
    """Bring every account (or one) to ``encoder``'s model version: the job's incremental mode, run locally.

    Encodes the articles lacking an up-to-date vector of that version, then switches each account to it;
    returns how many articles were encoded. Accounts already active on a newer version are left alone
    (an older model must not switch them back); going back is an explicit ``answerbot reencode``.
    """
    version = encoder.model_version
    names = [account] if account is not None else store.accounts.ids()
    keep = [name for name in names if not is_newer(store.accounts.active_version(name), version)]
    if not keep:
        return 0
    scopes: list[str | None] = [None] if account is None and len(keep) == len(names) else list(keep)
    engine = local_engine(encoder)
    encoded = 0
    for scope in scopes:
        options = ReencodeOptions(version, account=scope, only_stale=True, batch_size=batch_size)
        encoded += run_reencode(store, version, engine, options).encoded
    return encoded
