"""SQuAD-format QA as retrieval pairs: a question -> the sentence that holds its answer, in context.

The document text is the answer sentence, a newline, then its paragraph (the LAReQA candidate: a
sentence read with its context; the model truncates long paragraphs). Sentences are cut after
``. ! ? 。 ！ ？`` (and after a newline) unless the file gives ``sentence_breaks`` (XQuAD-R does).
Unanswerable questions (``is_impossible``) are skipped.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answerbot.data.jsonl import DataError
from answerbot.data.records import Pair

__all__ = ["QaItem", "qa_pairs", "read_squad", "sentence_spans"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")


@dataclass(frozen=True)
class QaItem:
    id: str
    title: str
    question: str
    sentence: str
    paragraph: str
    paragraph_key: str


def sentence_spans(paragraph: str, breaks: list[int] | None = None) -> list[tuple[int, int]]:
    """(start, end) character spans of the paragraph's sentences."""
    if breaks:
        starts = [0, *breaks]
        ends = [*breaks, len(paragraph)]
        return [(s, e) for s, e in zip(starts, ends, strict=True) if paragraph[s:e].strip()]
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        if paragraph[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if paragraph[start:].strip():
        spans.append((start, len(paragraph)))
    return spans


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError, OSError) as e:
        raise DataError(f"{path}: not a SQuAD JSON file ({e})") from e
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise DataError(f"{path}: expected a SQuAD object with a 'data' list")
    return data


def read_squad(path: Path) -> Iterator[QaItem]:
    """Every answerable question of a SQuAD-format file (``.json`` or ``.json.gz``)."""
    for a, article in enumerate(_load(path)["data"]):
        title = str(article.get("title", a))
        for p, para in enumerate(article.get("paragraphs", [])):
            context = para.get("context")
            if not isinstance(context, str):
                raise DataError(f"{path}: data[{a}].paragraphs[{p}] has no 'context' string")
            spans = sentence_spans(context, para.get("sentence_breaks"))
            for qa in para.get("qas", []):
                answers = qa.get("answers") or []
                if qa.get("is_impossible") or not answers or not qa.get("question"):
                    continue
                start = answers[0].get("answer_start")
                if isinstance(start, str) and start.strip().isdigit():
                    start = int(start)  # some files (TQuAD) store it as a string
                if not isinstance(start, int):
                    raise DataError(f"{path}: question {qa.get('id')!r} has no integer answer_start")
                span = next(((s, e) for s, e in spans if s <= start < e), None)
                if span is None:
                    continue
                yield QaItem(
                    id=str(qa.get("id", "")),
                    title=title,
                    question=qa["question"],
                    sentence=context[span[0] : span[1]].strip(),
                    paragraph=context,
                    paragraph_key=f"{path.name}:{a}:{p}:{span[0]}",
                )


def qa_pairs(path: Path, group: str = "", limit: int | None = None) -> list[Pair]:
    """Retrieval pairs from one SQuAD file: question -> answer sentence + paragraph."""
    pairs = []
    for item in read_squad(path):
        pairs.append(Pair(item.question, f"{item.sentence}\n{item.paragraph}", item.paragraph_key, group))
        if limit is not None and len(pairs) >= limit:
            break
    return pairs
