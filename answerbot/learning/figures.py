"""The figures a retraining round compares: P1, P4 and the held-out feedback, all higher-is-better.

- ``p1.dense.mrr@10`` (and ``p1.hybrid.mrr@10``): P1 on the support-KB test split (same-language titles);
- ``p4.dense.area`` and ``p4.hybrid.area``: the area under precision over coverage of P4;
- ``feedback.mrr@10``: each held-out resolved ticket ranks the documents of its account that the held-out
  export names (resolved or rejected), and its resolved article should come first.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.data.jsonl import DataError
from answerbot.evaluation.metrics import reciprocal_rank
from answerbot.evaluation.p1 import evaluate_p1
from answerbot.evaluation.p4 import TopOutcomes, evaluate_p4, p4_outcomes
from answerbot.evaluation.scoring import Encode, encode_batched

__all__ = ["feedback_mrr", "model_figures"]


def feedback_mrr(encode: Encode, path: Path) -> tuple[float, int]:
    """(MRR@10, queries) of the held-out export's resolved tickets among their account's named documents."""
    documents: dict[str, dict[str, str]] = defaultdict(dict)
    resolved: list[tuple[str, str, str]] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            group, key = str(record.get("group") or ""), record["doc_key"]
            documents[group][key] = record["document"]
            if record["kind"] == "resolved":
                resolved.append((group, record["query"], key))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise DataError(f"{path}:{line_no}: not a feedback export record ({e!r})") from e
    if not resolved:
        raise DataError(f"{path}: no resolved record to evaluate on; export a later time range")
    ranks = []
    for group, docs in documents.items():
        keys = list(docs)
        asked = [(q, keys.index(k)) for g, q, k in resolved if g == group]
        if not asked:
            continue
        doc_vectors = encode_batched(encode, [docs[k] for k in keys], "feedback documents")
        query_vectors = encode_batched(encode, [q for q, _ in asked], "feedback queries")
        scores = np.round(query_vectors @ doc_vectors.T, 6)
        ranks += [reciprocal_rank(row, gold, 10) for row, (_, gold) in zip(scores, asked, strict=True)]
    return float(np.mean(ranks)), len(ranks)


def model_figures(
    encode: Encode,
    data_dir: Path,
    languages: Sequence[str],
    heldout: Path | None,
    seed: int = 0,
    hybrid_weight: float = 0.7,
) -> tuple[dict[str, float], dict[str, Any], dict[str, dict[str, TopOutcomes]]]:
    """(figures, the full P1/P4 results, the P4 test outcomes) of one model."""
    p1 = evaluate_p1(data_dir, encode, None, languages, "title", hybrid_weight)
    outcomes = p4_outcomes(data_dir, encode, languages, "test", seed, hybrid_weight)
    p4 = evaluate_p4(data_dir, None, languages, seed, hybrid_weight, outcomes=outcomes)
    figures = {
        "p1.dense.mrr@10": p1["mean"]["dense"]["mrr@10"],
        "p1.hybrid.mrr@10": p1["mean"]["hybrid"]["mrr@10"],
        "p4.dense.area": p4["mean"]["dense"]["area"],
        "p4.hybrid.area": p4["mean"]["hybrid"]["area"],
    }
    details: dict[str, Any] = {"p1": p1["mean"], "p4": {"mean": p4["mean"], "pooled_90": _pooled_90(p4)}}
    if heldout is not None:
        figures["feedback.mrr@10"], details["feedback_queries"] = feedback_mrr(encode, heldout)
    return figures, details, outcomes


def _pooled_90(p4: dict[str, Any]) -> dict[str, Any]:
    return {m: {k: v for k, v in f.items() if k in ("threshold@90%", "coverage@90%")} for m, f in p4["pooled"].items()}
