"""A language's vocabulary from its corpus: token counts under the serving tokenizer."""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from answerbot.embeddings.table import TableError
from answerbot.text import tokenize

__all__ = ["Vocabulary", "corpus_lines", "count_vocabulary"]


def corpus_lines(corpus: Path | str, max_lines: int | None = None) -> Iterator[str]:
    """The non-empty lines of a plain or ``.gz`` corpus, at most ``max_lines`` of them."""
    corpus = Path(corpus)
    if not corpus.is_file():
        raise TableError(f"{corpus}: corpus not found; pass a text file with one sentence per line")
    opener = gzip.open if corpus.suffix == ".gz" else open
    taken = 0
    with opener(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            yield line
            taken += 1
            if max_lines is not None and taken >= max_lines:
                return


@dataclass(frozen=True)
class Vocabulary:
    """Words in frequency order (ties in first-seen order) with their corpus counts."""

    words: list[str]
    counts: list[int]
    lines: int
    tokens: int


def count_vocabulary(
    corpus: Path | str,
    max_words: int | None = 50_000,
    min_count: int = 3,
    max_lines: int | None = None,
    extra: Iterable[str] = (),
) -> Vocabulary:
    """Count the tokens of ``corpus`` and of the ``extra`` texts (as the model will see them) and keep
    the frequent ones."""
    if min_count < 1:
        raise TableError(f"min_count={min_count}: must be at least 1")
    counts: Counter[str] = Counter()
    lines = 0
    for line in corpus_lines(corpus, max_lines):
        counts.update(tokenize(line))
        lines += 1
    for text in extra:
        counts.update(tokenize(text))
    kept = [(w, c) for w, c in counts.most_common(max_words) if c >= min_count]
    if not kept:
        raise TableError(
            f"{corpus}: no token occurs {min_count} times or more in {lines} lines; "
            "is the corpus empty, or is --min-count too high?"
        )
    return Vocabulary([w for w, _ in kept], [c for _, c in kept], lines, sum(counts.values()))
