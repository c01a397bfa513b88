"""P2: XQuAD-R under the LAReQA protocol, exactly as ``shared/data/README.md`` states it.

For fold k of ``folds.json``: the queries are fold k's questions in every language; the candidate pool is
every sentence of every paragraph of every fold in every language (13,014 for the 11 languages); a
question's relevant candidates are the sentences holding its answer (``answer_start``) in each language
(11 relevant, found through the parallel question ``id``). Metric: mean average precision over queries on
the full ranking, ties at their expected value. Also: ``map_same_lang`` (the pool cut to the query's
language, one relevant) and ``article_mrr`` (one "account" per article title: its sentences in the
query's language; reciprocal rank on the full account ranking, no cut-off). Several folds are averaged.

Candidate text: our single-tower model reads one text, so ``sentence+context`` (default) encodes
``sentence + "\\n" + paragraph`` and lets the model's ``max_tokens`` truncate it (the sentence comes
first, as LAReQA pairs each sentence with its paragraph as context); ``sentence`` encodes the sentence
alone. Baselines read the same candidate text.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.data.jsonl import DataError
from answerbot.data.xquad import read_folds, read_xquad, xquad_languages
from answerbot.embeddings.table import EmbeddingTable
from answerbot.evaluation.metrics import average_precision, reciprocal_rank
from answerbot.evaluation.report import data_files_sha256, mean_over
from answerbot.evaluation.scoring import Encode, Pool, Progress

__all__ = ["CANDIDATE_TEXTS", "LAREQA_POOL_SIZE", "P2_METRICS", "P2Data", "evaluate_p2", "load_p2"]

CANDIDATE_TEXTS = ("sentence", "sentence+context")
P2_METRICS = ("map", "map_same_lang", "article_mrr")
LAREQA_POOL_SIZE = 13_014
CHUNK = 256


@dataclass(frozen=True)
class P2Data:
    """The candidate pool and the questions of XQuAD-R, with the answer's pool index per (lang, id)."""

    langs: list[str]
    folds: dict[str, int]
    texts: list[str]  # candidate texts, pool order
    cand_lang: np.ndarray  # language code per candidate
    cand_title: np.ndarray  # article title per candidate
    questions: list[tuple[str, str, str, str]]  # (lang, id, title, question)
    answer: dict[tuple[str, str], int]  # (lang, question id) -> pool index of its answer sentence


def load_p2(
    data_dir: Path | str, languages: Sequence[str] | None = None, candidate_text: str = "sentence+context"
) -> P2Data:
    """Read the pool and questions of ``languages`` (default: every XQuAD-R file present)."""
    data_dir = Path(data_dir)
    if candidate_text not in CANDIDATE_TEXTS:
        raise ValueError(f"candidate_text={candidate_text!r}: choose one of {', '.join(CANDIDATE_TEXTS)}")
    langs = list(languages) if languages else xquad_languages(data_dir)
    if not langs:
        raise DataError(f"{data_dir / 'xquad-r'}: no <lang>.json.gz file; is --data-dir pointing at shared/data?")
    folds = read_folds(data_dir)
    texts: list[str] = []
    cand_lang: list[str] = []
    cand_title: list[str] = []
    questions: list[tuple[str, str, str, str]] = []
    answer: dict[tuple[str, str], int] = {}
    for lang in langs:
        for para in read_xquad(data_dir, lang):
            if para.title not in folds:
                raise DataError(f"{data_dir / 'xquad-r' / 'folds.json'}: no fold for title {para.title!r} ({lang})")
            first = len(texts)
            for sentence in para.sentences:
                texts.append(sentence if candidate_text == "sentence" else f"{sentence}\n{para.context}")
                cand_lang.append(lang)
                cand_title.append(para.title)
            for q in para.questions:
                if (lang, q.id) in answer:
                    raise DataError(f"{data_dir / 'xquad-r' / f'{lang}.json.gz'}: question id {q.id!r} appears twice")
                answer[(lang, q.id)] = first + q.sentence
                questions.append((lang, q.id, para.title, q.question))
    return P2Data(langs, folds, texts, np.array(cand_lang), np.array(cand_title), questions, answer)


def _relevant(data: P2Data, qid: str) -> list[int]:
    missing = [lang for lang in data.langs if (lang, qid) not in data.answer]
    if missing:
        raise DataError(f"question id {qid!r}: missing in {', '.join(missing)}; XQuAD-R must be parallel")
    return [data.answer[(lang, qid)] for lang in data.langs]


def _score_fold(data: P2Data, pool: Pool, fold: int) -> dict[str, Any]:
    rows = [q for q in data.questions if data.folds[q[2]] == fold]
    if not rows:
        raise ValueError(f"fold={fold}: no question; folds.json has folds {sorted(set(data.folds.values()))}")
    qv = pool.queries([q[3] for q in rows], [q[0] for q in rows], f"fold {fold} queries")
    figures: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    # Full multilingual pool: mAP over 11 relevant.
    for start in range(0, len(rows), CHUNK):
        idx = np.arange(start, min(start + CHUNK, len(rows)))
        for method, matrix in pool.scores(qv, rows=idx).items():
            for i, row in zip(idx, matrix, strict=True):
                figures[rows[i][0]][method]["map"].append(average_precision(row, _relevant(data, rows[i][1])))
    # Same-language pool and per-article accounts.
    by_lang: dict[str, list[int]] = defaultdict(list)
    by_article: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (lang, _, title, _) in enumerate(rows):
        by_lang[lang].append(i)
        by_article[(title, lang)].append(i)
    for lang, members in by_lang.items():
        columns = np.flatnonzero(data.cand_lang == lang)
        where = {int(c): j for j, c in enumerate(columns)}
        for start in range(0, len(members), CHUNK):
            idx = np.array(members[start : start + CHUNK])
            for method, matrix in pool.scores(qv, rows=idx, columns=columns, key=("lang", lang)).items():
                for i, row in zip(idx, matrix, strict=True):
                    gold = where[data.answer[(lang, rows[i][1])]]
                    figures[lang][method]["map_same_lang"].append(average_precision(row, [gold]))
    for (title, lang), members in by_article.items():
        columns = np.flatnonzero((data.cand_lang == lang) & (data.cand_title == title))
        where = {int(c): j for j, c in enumerate(columns)}
        for method, matrix in pool.scores(qv, rows=np.array(members), columns=columns, key=(title, lang)).items():
            for i, row in zip(members, matrix, strict=True):
                gold = where[data.answer[(lang, rows[i][1])]]
                figures[lang][method]["article_mrr"].append(reciprocal_rank(row, gold))
    per_language = {
        lang: {
            "queries": len(by_lang[lang]),
            "methods": {m: {k: float(np.mean(v)) for k, v in ms.items()} for m, ms in figures[lang].items()},
        }
        for lang in data.langs
        if lang in figures
    }
    return {"languages": per_language, "mean": mean_over(per_language, pool.methods, P2_METRICS)}


def _average_folds(by_fold: dict[int, dict[str, Any]], methods: list[str]) -> dict[str, Any]:
    langs = list(next(iter(by_fold.values()))["languages"])
    per_language = {
        lang: {
            "queries": int(sum(f["languages"][lang]["queries"] for f in by_fold.values())),
            "methods": {
                m: {
                    k: float(np.mean([f["languages"][lang]["methods"][m][k] for f in by_fold.values()]))
                    for k in P2_METRICS
                }
                for m in methods
            },
        }
        for lang in langs
    }
    return per_language


def evaluate_p2(
    data_dir: Path | str,
    encode: Encode | None,
    fold: int | Sequence[int] = 0,
    table: EmbeddingTable | None = None,
    languages: Sequence[str] | None = None,
    candidate_text: str = "sentence+context",
    hybrid_weight: float | None = None,
    progress: Progress | None = None,
    teacher: Encode | None = None,
) -> dict[str, Any]:
    """Run P2 on one fold or several (averaged); ``encode=None`` runs the baselines only; ``teacher`` adds
    a teacher's vectors as a baseline computed in the same run.

    The pool is encoded once for all folds. ``languages`` narrows queries and pool alike (default: all).
    """
    started = time.perf_counter()
    data_dir = Path(data_dir)
    folds = [fold] if isinstance(fold, int) else list(fold)
    if not folds:
        raise ValueError("fold: empty; name at least one fold of folds.json")
    data = load_p2(data_dir, languages, candidate_text)
    pool = Pool(data.texts, list(data.cand_lang), encode, table, hybrid_weight, progress, "candidates", teacher)
    by_fold = {k: _score_fold(data, pool, k) for k in folds}
    per_language = _average_folds(by_fold, pool.methods)
    files = ["xquad-r/folds.json", *(f"xquad-r/{lang}.json.gz" for lang in data.langs)]
    return {
        "protocol": "P2",
        "settings": {
            "folds": folds,
            "languages": data.langs,
            "candidate_text": candidate_text,
            "pool_size": len(data.texts),
            "pool_size_lareqa": LAREQA_POOL_SIZE,
            "relevant_per_query": len(data.langs),
            "metrics": list(P2_METRICS),
            "methods": pool.methods,
            "hybrid_weight": hybrid_weight,
            "ties": "expected value over random tie orders",
        },
        "data_files": data_files_sha256(data_dir, files),
        "languages": per_language,
        "mean": mean_over(per_language, pool.methods, P2_METRICS),
        "folds": {str(k): f["mean"] for k, f in by_fold.items()},
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
