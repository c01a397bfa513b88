"""A child process that bulk-upserts articles through Services and acknowledges each committed batch.

    python -m tests.reliability.bulk_writer (--sqlite PATH | --pg-url URL --schema NAME) --ack FILE --start N

Batch ``n`` creates ``BATCH`` articles ``b<n>-<j>`` and rewrites article ``last`` to say ``n``, in one
``upsert_articles`` call (all or nothing). After the call returns, ``n`` is appended to the ack file and
fsynced: an acknowledged batch was committed. The loop is bounded; the parent SIGKILLs it mid-way.
A hash encoder stands in for the model (no TensorFlow), so the writes, not the model, take the time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["ACCOUNT", "BATCH", "DIM", "HashEncoder", "article_ids", "main"]

ACCOUNT = "crash"
BATCH = 50
DIM = 16
MAX_BATCHES = 5000


class HashEncoder:
    """Deterministic unit vectors from SHA-256 of the text (model ``hash`` version ``1``)."""

    model_name = "hash"
    model_version = "1"
    dim = DIM

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            digest = hashlib.sha256(text.encode("utf-8")).digest()
            row = np.frombuffer(digest[:DIM], dtype=np.uint8).astype(np.float32) - 127.5
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), DIM)


def article_ids(batch: int) -> list[str]:
    return [f"b{batch:05d}-{j:03d}" for j in range(BATCH)]


def main(argv: list[str] | None = None) -> None:
    from answerbot.service import AccountService, ArticleInput, Services
    from answerbot.settings import Settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", type=Path)
    parser.add_argument("--pg-url")
    parser.add_argument("--schema", default="public")
    parser.add_argument("--ack", type=Path, required=True)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args(argv)
    from answerbot.store import Store

    store = Store.sqlite(args.sqlite) if args.sqlite is not None else Store.postgres(args.pg_url, schema=args.schema)
    settings = Settings(max_bulk_articles=BATCH + 1, store_path=Path(os.devnull))
    if store.accounts.get(ACCOUNT) is None:
        AccountService(store, settings).create(ACCOUNT)
    service = Services.build(store, HashEncoder(), settings)
    with args.ack.open("a") as ack:
        for n in range(args.start, args.start + MAX_BATCHES):
            articles = [ArticleInput(i, f"title {i}", f"body of {i} " * 20, "en") for i in article_ids(n)]
            articles.append(ArticleInput("last", "last batch", f"batch {n}", "en"))
            service.articles.upsert_articles(ACCOUNT, articles)
            ack.write(f"{n}\n")
            ack.flush()
            os.fsync(ack.fileno())


if __name__ == "__main__":
    main()
