"""Parallel text for languages a teacher does not cover: a text and its translations.

The support KB shares article ids across its 13 languages, so every ``train`` article is parallel
text: its title against ``title_en`` and the titles of the same article in other languages, its body
against the other languages' bodies, and line by line against translations with the same number of
lines (99 % of the KB's Greek train bodies keep the German body's line count). XQuAD-R is parallel
across its 11 languages (same question ids, same paragraphs); its folds are kept apart so that P2
never trains on the fold it scores.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from answerbot.data.jsonl import DataError
from answerbot.data.support_kb import KbArticle, read_split, read_support_kb
from answerbot.data.xquad import XQUAD_LANGUAGES, read_folds, read_xquad

__all__ = ["PARALLEL_SOURCES", "ParallelText", "kb_parallel", "parallel_texts", "xquad_parallel"]

PARALLEL_SOURCES = ("support-kb", "xquad-r")


@dataclass(frozen=True)
class ParallelText:
    """``text`` in language ``lang`` and the same content in ``pivots`` (pivot language -> text)."""

    text: str
    lang: str
    pivots: tuple[tuple[str, str], ...]


def kb_parallel(
    data_dir: Path, lang: str, pivot_languages: Collection[str], line_pivots: int = 4
) -> list[ParallelText]:
    """Titles and bodies of ``lang``'s train articles, with their English title and the same article in
    those ``pivot_languages`` the KB has, and each body's lines against the same lines of up to
    ``line_pivots`` translations (test ids are never read into the result)."""
    split = read_split(data_dir)

    def train(code: str) -> dict[str, KbArticle]:
        return {a.id: a for a in read_support_kb(data_dir, code) if split.get(a.id) == "train"}

    own = train(lang)
    present = {p.name.removesuffix(".jsonl.gz") for p in (Path(data_dir) / "support-kb").glob("*.jsonl.gz")}
    others = {code: train(code) for code in sorted(set(pivot_languages) & present - {lang, "en"})}
    texts = []
    for article_id, article in own.items():
        same = [(code, kb[article_id]) for code, kb in others.items() if article_id in kb]
        titles = [(code, a.title) for code, a in same if a.title.strip()]
        if "en" in pivot_languages and article.title_en.strip():
            titles.insert(0, ("en", article.title_en))
        if article.title.strip() and titles:
            texts.append(ParallelText(article.title, lang, tuple(titles)))
        bodies = [(code, a.body) for code, a in same if a.body.strip()]
        if article.body.strip() and bodies:
            texts.append(ParallelText(article.body, lang, tuple(bodies)))
        texts += _aligned_lines(article.body, lang, bodies[:line_pivots])
    return texts


def _lines(body: str) -> list[str]:
    return [line.strip() for line in body.split("\n") if line.strip()]


def _aligned_lines(body: str, lang: str, pivots: list[tuple[str, str]]) -> list[ParallelText]:
    """The body's lines paired with the same line of each translation that has as many lines (translated
    articles keep their paragraph structure, so line i translates line i)."""
    own = _lines(body)
    split = [(code, _lines(text)) for code, text in pivots]
    matching = [(code, lines) for code, lines in split if len(lines) == len(own)]
    if len(own) < 2 or not matching:
        return []
    return [ParallelText(line, lang, tuple((code, lines[i]) for code, lines in matching)) for i, line in enumerate(own)]


def xquad_parallel(
    data_dir: Path, lang: str, pivot_languages: Collection[str], exclude_folds: Collection[int]
) -> list[ParallelText]:
    """Questions and paragraphs of ``lang`` in XQuAD-R, without the articles of ``exclude_folds``."""
    if lang not in XQUAD_LANGUAGES:
        raise DataError(f"lang={lang!r}: not an XQuAD-R language ({', '.join(XQUAD_LANGUAGES)})")
    folds = read_folds(data_dir)
    pivots = [code for code in XQUAD_LANGUAGES if code in pivot_languages and code != lang]
    questions: dict[str, dict[str, str]] = {}
    paragraphs: dict[tuple[str, int], dict[str, str]] = {}
    for code in [lang, *pivots]:
        for para in read_xquad(data_dir, code):
            if folds.get(para.title) in exclude_folds or para.title not in folds:
                continue
            paragraphs.setdefault((para.title, para.index), {})[code] = para.context
            for q in para.questions:
                questions.setdefault(q.id, {})[code] = q.question
    texts = []
    for group in (*questions.values(), *paragraphs.values()):
        others = tuple((code, group[code]) for code in pivots if code in group)
        if lang in group and others:
            texts.append(ParallelText(group[lang], lang, others))
    return texts


def parallel_texts(
    data_dir: Path,
    lang: str,
    pivot_languages: Collection[str],
    sources: Sequence[str] = ("support-kb",),
    exclude_xquad_folds: Collection[int] = (),
) -> list[ParallelText]:
    """Parallel texts of ``lang`` from the named ``sources`` (see ``PARALLEL_SOURCES``)."""
    texts: list[ParallelText] = []
    for source in sources:
        if source == "support-kb":
            texts += kb_parallel(data_dir, lang, pivot_languages)
        elif source == "xquad-r":
            texts += xquad_parallel(data_dir, lang, pivot_languages, exclude_xquad_folds)
        else:
            raise DataError(f"parallel source {source!r}: choose from {', '.join(PARALLEL_SOURCES)}")
    return texts
