"""P1: Support KB, unseen articles ("cold start"), exactly as ``shared/data/README.md`` states it.

For each language the knowledge base is all of that language's ``test`` articles; each query is a test
article's ``title`` (or, for the cross-lingual variant, its English ``title_en``) and the one relevant
document is that article's body with title lines removed (``KbArticle.body``). Reported per language and
as the mean over languages: MRR@10, recall@1, recall@5, ties at their expected value. Baselines in the
same run: BM25 on the same KB, and the mean of word vectors from the merged table. Queries whose text
is empty (no ``title_en``) are skipped and counted.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.data.jsonl import DataError
from answerbot.data.support_kb import read_split, read_support_kb
from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.metrics import hit_at_k, reciprocal_rank
from answerbot.evaluation.report import data_files_sha256, mean_over
from answerbot.evaluation.scoring import Encode, Pool, Progress

__all__ = ["P1_LANGUAGES", "P1_METRICS", "evaluate_p1", "p1_metrics"]

P1_LANGUAGES = ("ar", "de", "el", "es", "fr", "it", "ja", "pt", "ru", "th", "tr", "vi", "zh")
P1_METRICS = ("mrr@10", "recall@1", "recall@5")
QUERY_FIELDS = ("title", "title_en")


def p1_metrics(scores: np.ndarray, golds: Sequence[int]) -> dict[str, float]:
    """MRR@10, recall@1, recall@5 of a [queries, documents] matrix with one relevant document per query."""
    rows = list(zip(scores, golds, strict=True))
    return {
        "mrr@10": float(np.mean([reciprocal_rank(s, g, 10) for s, g in rows])),
        "recall@1": float(np.mean([hit_at_k(s, g, 1) for s, g in rows])),
        "recall@5": float(np.mean([hit_at_k(s, g, 5) for s, g in rows])),
    }


def evaluate_p1(
    data_dir: Path | str,
    encode: Encode | None,
    table: EmbeddingTable | None = None,
    languages: Sequence[str] | None = None,
    queries: str = "title",
    hybrid_weight: float | None = None,
    progress: Progress | None = None,
    teacher: Encode | None = None,
) -> dict[str, Any]:
    """Run P1; ``encode=None`` runs the baselines only, ``table=None`` skips the mean-of-vectors baseline,
    ``teacher`` adds a teacher's vectors (and its hybrid with BM25) as a baseline in the same run."""
    started = time.perf_counter()
    data_dir = Path(data_dir)
    if queries not in QUERY_FIELDS:
        raise ValueError(f"queries={queries!r}: choose one of {', '.join(QUERY_FIELDS)}")
    langs = list(languages) if languages else list(P1_LANGUAGES)
    if not langs:
        raise ValueError("languages: empty; name at least one KB language")
    split = read_split(data_dir)
    per_language: dict[str, Any] = {}
    methods: list[str] = []
    for lang in langs:
        articles = [a for a in read_support_kb(data_dir, lang) if split.get(a.id) == "test"]
        if not articles:
            raise DataError(
                f"{data_dir / 'support-kb' / f'{lang}.jsonl.gz'}: no article with a 'test' id in split.json"
            )
        texts = [getattr(a, queries) for a in articles]
        golds = [i for i, t in enumerate(texts) if t.strip()]
        pool = Pool(
            [a.body for a in articles], [lang] * len(articles), encode, table, hybrid_weight, progress, lang, teacher
        )
        query_lang = "en" if queries == "title_en" else lang
        qv = pool.queries([texts[i] for i in golds], [query_lang] * len(golds), f"{lang} queries")
        matrices = pool.scores(qv)
        methods = pool.methods
        per_language[lang] = {
            "documents": len(articles),
            "queries": len(golds),
            "skipped_queries": len(articles) - len(golds),
            "methods": {name: p1_metrics(m, golds) for name, m in matrices.items()},
        }
    files = ["support-kb/split.json", *(f"support-kb/{lang}.jsonl.gz" for lang in langs)]
    return {
        "protocol": "P1",
        "settings": {
            "languages": langs,
            "queries": queries,
            "documents": "body (title lines removed)",
            "split": "test",
            "metrics": list(P1_METRICS),
            "methods": methods,
            "hybrid_weight": hybrid_weight,
            "ties": "expected value over random tie orders",
        },
        "data_files": data_files_sha256(data_dir, files),
        "languages": per_language,
        "mean": mean_over(per_language, methods, P1_METRICS),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
