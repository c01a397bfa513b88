"""P3: alignment of a (merged) table, measured on Tatoeba xx -> eng sentence retrieval.

Each side of a Tatoeba pair is encoded by the mean of its word vectors (tokens from
``answerbot.text.tokenize``, looked up with the side's language code, so ``tagged``/``route``
tables find their ``xx:word`` keys); each xx sentence retrieves the nearest of the 1,000 English
sentences by cosine. Accuracy counts ties at their expected value (a sentence with no known word
scores 1/1000, never a lucky 1).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.embeddings.merge import lookup_rows
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.evaluation.metrics import hit_at_k
from answerbot.evaluation.report import data_files_sha256, mean_over
from answerbot.evaluation.scoring import DENSE, MEAN, TEACHER, Encode, Progress, encode_batched
from answerbot.text import tokenize

__all__ = [
    "P3_DEFAULT",
    "TATOEBA_CODES",
    "evaluate_p3",
    "load_tatoeba",
    "mean_vectors",
    "p3_accuracy",
    "p3_language",
    "tatoeba_languages",
]

#: Our language code -> Tatoeba (ISO 639-3) code of the ``tatoeba.<xxx>-eng`` files.
TATOEBA_CODES = {
    "ar": "ara",
    "de": "deu",
    "el": "ell",
    "es": "spa",
    "fr": "fra",
    "hi": "hin",
    "it": "ita",
    "ja": "jpn",
    "pl": "pol",
    "pt": "por",
    "ru": "rus",
    "sv": "swe",
    "th": "tha",
    "tr": "tur",
    "vi": "vie",
    "zh": "cmn",
}
PIVOT = "en"
#: The 13 support-KB languages: the languages P3 reports by default.
P3_DEFAULT = ("ar", "de", "el", "es", "fr", "it", "ja", "pt", "ru", "th", "tr", "vi", "zh")


def tatoeba_languages(tatoeba_dir: Path) -> list[str]:
    """Our codes of the languages with a Tatoeba pair file in ``tatoeba_dir``."""
    return sorted(
        lang for lang, code in TATOEBA_CODES.items() if (tatoeba_dir / f"tatoeba.{code}-eng.{code}").is_file()
    )


def load_tatoeba(tatoeba_dir: Path | str, lang: str) -> tuple[list[str], list[str]]:
    """The line-aligned (xx sentences, English sentences) of one language."""
    tatoeba_dir = Path(tatoeba_dir)
    if lang not in TATOEBA_CODES:
        raise ValueError(f"lang={lang!r}: no Tatoeba code; choose one of {', '.join(sorted(TATOEBA_CODES))}")
    code = TATOEBA_CODES[lang]
    paths = [tatoeba_dir / f"tatoeba.{code}-eng.{code}", tatoeba_dir / f"tatoeba.{code}-eng.eng"]
    for path in paths:
        if not path.is_file():
            raise TableError(f"{path}: missing; point tatoeba_dir at the folder of tatoeba.<xxx>-eng.* files")
    xx, eng = (p.read_text(encoding="utf-8").rstrip("\n").split("\n") for p in paths)
    if len(xx) != len(eng):
        raise TableError(f"{paths[0]}: {len(xx)} lines but {paths[1]} has {len(eng)}; the files must be line-aligned")
    return xx, eng


def mean_vectors(table: EmbeddingTable, lang: str | None, texts: Sequence[str]) -> np.ndarray:
    """float32 [len(texts), dim]: mean of the known words' vectors per text (zeros when none is known)."""
    out = np.zeros((len(texts), table.dim), dtype=np.float32)
    for i, text in enumerate(texts):
        rows = [r for r in lookup_rows(table, lang, tokenize(text)) if r is not None]
        if rows:
            out[i] = np.asarray(table.vectors[rows], dtype=np.float32).mean(axis=0)
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def p3_accuracy(queries: np.ndarray, targets: np.ndarray) -> float:
    """Top-1 accuracy of query i retrieving target i by cosine, ties at expected value."""
    sims = _unit(queries) @ _unit(targets).T
    return float(np.mean([hit_at_k(row, i, 1) for i, row in enumerate(sims)]))


def p3_language(table: EmbeddingTable | dict[str, EmbeddingTable], lang: str, tatoeba_dir: Path | str) -> float:
    """P3 accuracy of ``lang``; ``table`` is one (merged) table or per-language tables keyed by code."""
    xx, eng = load_tatoeba(tatoeba_dir, lang)
    if isinstance(table, dict):
        if lang not in table or PIVOT not in table:
            raise ValueError(f"tables: need {lang!r} and {PIVOT!r}, got {sorted(table)}")
        return p3_accuracy(mean_vectors(table[lang], lang, xx), mean_vectors(table[PIVOT], PIVOT, eng))
    return p3_accuracy(mean_vectors(table, lang, xx), mean_vectors(table, PIVOT, eng))


P3_METRICS = ("accuracy",)


def evaluate_p3(
    data_dir: Path | str,
    table: EmbeddingTable | None = None,
    encode: Encode | None = None,
    languages: Sequence[str] | None = None,
    teacher: Encode | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """P3 per language for each method given: the table's mean of word vectors (``mean_vectors``), the
    trained encoder (``dense``) and a teacher (``teacher``), in one run; English is the pivot side."""
    started = time.perf_counter()
    folder = Path(data_dir) / "tatoeba"
    langs = list(languages) if languages else [lang for lang in tatoeba_languages(folder) if lang in P3_DEFAULT]
    if not langs:
        raise ValueError(f"languages: none with a Tatoeba file under {folder}")
    methods: dict[str, Callable[[str, Sequence[str]], np.ndarray]] = {}
    if table is not None:
        methods[MEAN] = lambda lang, texts: mean_vectors(table, lang, texts)
    if encode is not None:
        methods[DENSE] = lambda _lang, texts: encode_batched(encode, texts, "tatoeba", progress=progress)
    if teacher is not None:
        methods[TEACHER] = lambda _lang, texts: encode_batched(teacher, texts, "tatoeba (teacher)", progress=progress)
    if not methods:
        raise ValueError("P3 needs a table, a model or a teacher to score")
    per_language: dict[str, Any] = {}
    for lang in langs:
        xx, eng = load_tatoeba(folder, lang)
        per_language[lang] = {
            "pairs": len(xx),
            "methods": {name: {"accuracy": p3_accuracy(f(lang, xx), f(PIVOT, eng))} for name, f in methods.items()},
        }
    files = [
        f"tatoeba/tatoeba.{TATOEBA_CODES[lang]}-eng.{side}" for lang in langs for side in (TATOEBA_CODES[lang], "eng")
    ]
    return {
        "protocol": "P3",
        "settings": {"languages": langs, "metrics": list(P3_METRICS), "methods": list(methods), "pivot": PIVOT},
        "data_files": data_files_sha256(Path(data_dir), files),
        "languages": per_language,
        "mean": mean_over(per_language, list(methods), P3_METRICS),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
