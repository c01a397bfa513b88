"""Score the demo's held-out tickets: the model against BM25 on the same candidates, same run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from answerbot.bm25 import Bm25Ranker
from answerbot.demo.data import DemoArticle, DemoTicket
from answerbot.evaluation.metrics import hit_at_k, reciprocal_rank

__all__ = ["evaluate_tickets"]

Encode = Callable[[Sequence[str]], np.ndarray]


def _score_rows(
    tickets: Sequence[DemoTicket], candidates: Sequence[DemoArticle], encode: Encode
) -> dict[str, list[np.ndarray]]:
    article_vecs = encode([a.text for a in candidates])
    ticket_vecs = encode([t.text for t in tickets])
    bm25 = Bm25Ranker([a.text for a in candidates])
    return {
        "model": list(ticket_vecs @ article_vecs.T),
        "bm25": [bm25.scores(t.text) for t in tickets],
    }


def _in_locale(article_key: str, locale: str) -> str:
    """The same topic's article in ``locale`` (demo keys are ``<topic>.<locale>``)."""
    return f"{article_key.rsplit('.', 1)[0]}.{locale}"


def evaluate_tickets(
    kb: Sequence[DemoArticle],
    tickets: Sequence[DemoTicket],
    encode: Encode,
    same_locale: bool = False,
    to_locale: str | None = None,
) -> dict[str, Any]:
    """Top-3 share and MRR@10 per ranker, overall and per locale.

    Candidates are the ticket's account's articles: all locales (what the API ranks), only the ticket's
    locale when ``same_locale``, or only ``to_locale``'s articles when given (tickets of other locales,
    whose answer is the same topic's article in ``to_locale``: a ticket asked with a locale filter).
    Ties count at their expected rank.
    """
    if to_locale is not None:
        tickets = [t for t in tickets if t.locale != to_locale]
    per_ranker: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    groups: dict[tuple[str, str], list[DemoTicket]] = defaultdict(list)
    for ticket in tickets:
        groups[(ticket.account, to_locale or (ticket.locale if same_locale else "*"))].append(ticket)
    for (account, locale), group in sorted(groups.items()):
        candidates = [a for a in kb if a.account == account and locale in ("*", a.locale)]
        keys = [a.key for a in candidates]
        golds = [keys.index(_in_locale(t.article_key, to_locale) if to_locale else t.article_key) for t in group]
        for ranker, rows in _score_rows(group, candidates, encode).items():
            for ticket, row, gold in zip(group, rows, golds, strict=True):
                per_ranker[ranker][ticket.locale].append((hit_at_k(row, gold, 3), reciprocal_rank(row, gold, 10)))
    scope = f"{to_locale} only" if to_locale else "same locale" if same_locale else "all locales"
    report: dict[str, Any] = {"tickets": len(tickets), "candidates": scope}
    for ranker, by_locale in per_ranker.items():
        every = [v for values in by_locale.values() for v in values]
        report[ranker] = {
            "top3": float(np.mean([h for h, _ in every])),
            "mrr10": float(np.mean([r for _, r in every])),
            "per_locale": {
                loc: {
                    "top3": float(np.mean([h for h, _ in v])),
                    "mrr10": float(np.mean([r for _, r in v])),
                    "n": len(v),
                }
                for loc, v in sorted(by_locale.items())
            },
        }
    return report
