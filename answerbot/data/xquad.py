"""Reader for LAReQA's XQuAD-R: ``xquad-r/<lang>.json.gz`` (SQuAD format plus sentence breaks) and ``folds.json``.

Each paragraph carries ``sentences`` and ``sentence_breaks`` (``[start, end)`` character spans of the
context). A question's answer sentence is the one whose span holds the answer's ``answer_start``; an
``answer_start`` on the whitespace between two spans belongs to the next sentence.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answerbot.data.jsonl import DataError

__all__ = [
    "XQUAD_LANGUAGES",
    "XquadParagraph",
    "XquadQuestion",
    "read_folds",
    "read_xquad",
    "xquad_languages",
    "xquad_path",
]

#: The 11 languages of XQuAD-R.
XQUAD_LANGUAGES = ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh")


@dataclass(frozen=True)
class XquadQuestion:
    id: str
    question: str
    answer_start: int
    answer_text: str
    sentence: int  # index of the answer sentence in its paragraph


@dataclass(frozen=True)
class XquadParagraph:
    lang: str
    title: str
    index: int  # position of the paragraph in its article
    context: str
    sentences: tuple[str, ...]
    breaks: tuple[tuple[int, int], ...]
    questions: tuple[XquadQuestion, ...]


def xquad_path(data_dir: Path, lang: str) -> Path:
    return Path(data_dir) / "xquad-r" / f"{lang}.json.gz"


def xquad_languages(data_dir: Path) -> list[str]:
    """The languages with a file under ``data_dir/xquad-r``, in ``XQUAD_LANGUAGES`` order."""
    return [lang for lang in XQUAD_LANGUAGES if xquad_path(data_dir, lang).is_file()]


def _answer_sentence(breaks: tuple[tuple[int, int], ...], start: int) -> int | None:
    for i, (lo, hi) in enumerate(breaks):
        if start < lo:  # on the gap before sentence i
            return i
        if start < hi:
            return i
    return None


def _field(obj: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise DataError(f"{where}: field {key!r} must be a {kind.__name__}, got {value!r}; fix or drop the record")
    return value


def _paragraph(raw: Any, lang: str, title: str, index: int, where: str) -> XquadParagraph:
    context = _field(raw, "context", str, where)
    sentences = _field(raw, "sentences", list, where)
    raw_breaks = _field(raw, "sentence_breaks", list, where)
    if len(sentences) != len(raw_breaks) or not sentences:
        raise DataError(
            f"{where}: {len(sentences)} sentences but {len(raw_breaks)} sentence_breaks; "
            "each sentence needs one [start, end] span"
        )
    breaks: list[tuple[int, int]] = []
    for j, span in enumerate(raw_breaks):
        ok = isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)
        if not ok or not 0 <= span[0] <= span[1] <= len(context) or (breaks and span[0] < breaks[-1][1]):
            raise DataError(
                f"{where}: sentence_breaks[{j}] = {span!r} is not an increasing [start, end] span "
                f"inside the context ({len(context)} characters)"
            )
        breaks.append((span[0], span[1]))
    questions = []
    for k, qa in enumerate(_field(raw, "qas", list, where)):
        qwhere = f"{where} qas[{k}]"
        qid = _field(qa, "id", str, qwhere)
        qwhere = f"{qwhere} (id {qid!r})"
        answers = _field(qa, "answers", list, qwhere)
        if not answers:
            raise DataError(f"{qwhere}: 'answers' is empty; XQuAD-R needs one answer per question")
        start = _field(answers[0], "answer_start", int, f"{qwhere} answers[0]")
        sentence = _answer_sentence(tuple(breaks), start)
        if sentence is None or start < 0:
            raise DataError(
                f"{qwhere}: answer_start {start} lies outside every sentence span "
                f"(last ends at {breaks[-1][1]}); fix answer_start or sentence_breaks"
            )
        text = answers[0].get("text", "")
        questions.append(XquadQuestion(qid, _field(qa, "question", str, qwhere), start, str(text), sentence))
    return XquadParagraph(lang, title, index, context, tuple(sentences), tuple(breaks), tuple(questions))


def read_xquad(data_dir: Path, lang: str) -> list[XquadParagraph]:
    """All paragraphs of one language, in file order."""
    path = xquad_path(data_dir, lang)
    if not path.is_file():
        raise DataError(f"{path}: no such file; is --data-dir pointing at shared/data (languages: {XQUAD_LANGUAGES})?")
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            doc = json.load(handle)
    except (OSError, json.JSONDecodeError) as e:
        raise DataError(f"{path}: not gzip-compressed SQuAD JSON ({e})") from e
    articles = _field(doc, "data", list, str(path))
    paragraphs = []
    for i, article in enumerate(articles):
        title = _field(article, "title", str, f"{path}: data[{i}]")
        where = f"{path}: data[{i}] ({title!r})"
        for j, raw in enumerate(_field(article, "paragraphs", list, where)):
            paragraphs.append(_paragraph(raw, lang, title, j, f"{where} paragraphs[{j}]"))
    return paragraphs


def read_folds(data_dir: Path) -> dict[str, int]:
    """Article title -> fold number."""
    path = Path(data_dir) / "xquad-r" / "folds.json"
    if not path.is_file():
        raise DataError(f"{path}: no such file; is --data-dir pointing at shared/data?")
    folds = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(folds, dict):
        raise DataError(f"{path}: expected {{title: fold number}}, got {type(folds).__name__}")
    bad = {t: f for t, f in folds.items() if not isinstance(f, int) or isinstance(f, bool)}
    if bad:
        raise DataError(f"{path}: expected {{title: fold number}}, bad entries {dict(list(bad.items())[:3])}")
    return folds
