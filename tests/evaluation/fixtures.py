"""Tiny data folders in the shared/data layout, and a transparent keyword encoder, for the protocol tests."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.embeddings.table import EmbeddingTable
from answerbot.text import tokenize

KEYWORDS = ("alpha", "beta", "gamma", "delta")


def keyword_encode(texts: Sequence[str]) -> np.ndarray:
    """One dimension per keyword (counts), unit rows; a text without keywords is the zero vector."""
    out = np.zeros((len(texts), len(KEYWORDS)), dtype=np.float32)
    for i, text in enumerate(texts):
        for token in tokenize(text):
            if token in KEYWORDS:
                out[i, KEYWORDS.index(token)] += 1
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def keyword_table() -> EmbeddingTable:
    """One-hot vectors of the keywords: its mean of vectors equals ``keyword_encode`` on the fixtures."""
    return EmbeddingTable(list(KEYWORDS), np.eye(len(KEYWORDS), dtype=np.float32), None, {"strategy": "priority@1"})


def write_support_kb(data_dir: Path) -> Path:
    """Language de: four test articles and one train article."""
    articles = [
        ("a1", "alpha", "alpha", "alpha text", "test"),
        ("a2", "beta", "", "beta words", "test"),
        ("a3", "gamma", "gamma", "delta only", "test"),
        ("a4", "delta", "delta", "# delta\ndelta again", "test"),  # the title line goes
        ("a5", "alpha", "alpha", "alpha", "train"),
    ]
    kb = data_dir / "support-kb"
    kb.mkdir(parents=True, exist_ok=True)
    with gzip.open(kb / "de.jsonl.gz", "wt", encoding="utf-8") as out:
        for aid, title, title_en, body, _ in articles:
            out.write(json.dumps({"id": aid, "lang": "de", "title": title, "title_en": title_en, "body": body}) + "\n")
    (kb / "split.json").write_text(json.dumps({a[0]: a[4] for a in articles}))
    return data_dir


def paragraph(sentences: list[str], qas: list[tuple[str, str, int]]) -> dict[str, Any]:
    context = " ".join(sentences)
    breaks, start = [], 0
    for s in sentences:
        breaks.append([start, start + len(s)])
        start += len(s) + 1
    return {
        "context": context,
        "sentences": sentences,
        "sentence_breaks": breaks,
        "qas": [
            {"id": qid, "question": q, "answers": [{"answer_start": a, "text": context[a : a + 3]}]}
            for qid, q, a in qas
        ],
    }


def write_xquad_file(path: Path, articles: list[tuple[str, list[dict[str, Any]]]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"version": "1.0", "data": [{"title": t, "paragraphs": ps} for t, ps in articles]}
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump(doc, out)
    return path


def write_xquad(data_dir: Path) -> Path:
    """en and de, article A (fold 0: two sentences, q1 q2) and B (fold 1: one sentence, q3)."""
    root = data_dir / "xquad-r"
    write_xquad_file(
        root / "en.json.gz",
        [
            ("A", [paragraph(["alpha one.", "beta two."], [("q1", "gamma?", 0), ("q2", "beta?", 16)])]),
            ("B", [paragraph(["beta three."], [("q3", "beta three?", 0)])]),
        ],
    )
    write_xquad_file(
        root / "de.json.gz",
        [
            ("A", [paragraph(["alpha eins.", "beta zwei."], [("q1", "alpha?", 0), ("q2", "beta?", 12)])]),
            ("B", [paragraph(["gamma drei."], [("q3", "gamma?", 0)])]),
        ],
    )
    (root / "folds.json").write_text(json.dumps({"A": 0, "B": 1}))
    return data_dir
