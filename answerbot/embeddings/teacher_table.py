"""A language's table in a teacher's space: the corpus vocabulary, each word's vector from the teacher.

``teacher_table`` encodes every word of a corpus vocabulary on its own with the teacher (for zh, ja
and th the words are the tokenizer's character bigrams). A covered language's table then already
shares the teacher's space with every other covered language. ``fit_table`` refines it with
:func:`~answerbot.embeddings.sentence_fit.fit_to_sentences` so that the mean of a sentence's word
vectors points where the teacher's vector of the sentence (or of its translation) points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from answerbot.embeddings.sentence_fit import FitConfig, fit_to_sentences
from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.embeddings.vocabulary import count_vocabulary
from answerbot.teacher.base import Teacher, unit_rows
from answerbot.teacher.targets import DistillSet

__all__ = ["TeacherTableConfig", "fit_table", "teacher_table"]


@dataclass(frozen=True)
class TeacherTableConfig:
    max_words: int = 40_000
    min_count: int = 3
    max_lines: int | None = None

    def __post_init__(self) -> None:
        if self.max_words < 1 or self.min_count < 1:
            raise ValueError(f"max_words={self.max_words}, min_count={self.min_count}: both must be positive")


def teacher_table(
    corpus: Path,
    lang: str,
    teacher: Teacher,
    config: TeacherTableConfig | None = None,
    progress: Callable[[str], None] | None = None,
    extra_texts: Sequence[str] = (),
) -> EmbeddingTable:
    """The vocabulary of ``corpus`` and ``extra_texts`` (serving tokenizer), each word's vector the teacher's
    vector of the word."""
    config = config or TeacherTableConfig()
    say = progress or (lambda _msg: None)
    vocabulary = count_vocabulary(corpus, config.max_words, config.min_count, config.max_lines, extra_texts)
    say(f"{lang}: {len(vocabulary.words)} words from {vocabulary.lines} lines; encoding them with {teacher.name}")
    vectors = unit_rows(teacher.encode(vocabulary.words))
    table = EmbeddingTable(vocabulary.words, vectors, lang, counts=np.asarray(vocabulary.counts, dtype=np.int64))
    table.meta.update(
        {
            "source": str(corpus),
            "corpus_lines": vocabulary.lines,
            "extra_texts": len(extra_texts),
            "method": "teacher",
            "teacher": {"name": teacher.name, "covers_language": lang in teacher.languages, **asdict(config)},
        }
    )
    return table


def fit_table(
    table: EmbeddingTable,
    targets: DistillSet,
    config: FitConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> EmbeddingTable:
    """``table`` fitted so that sentence means of word vectors match ``targets`` (see ``sentence_fit``)."""
    if targets.dim != table.dim:
        raise TableError(
            f"table {table.lang!r} has dim {table.dim} but the targets have {targets.dim}; "
            "fit a table built with the same teacher"
        )
    say = progress or (lambda _msg: None)
    say(f"{table.lang}: fitting {len(table)} words to {len(targets)} sentences")
    fitted = fit_to_sentences(
        table,
        targets.texts,
        targets.targets,
        config,
        progress=lambda epoch, loss: say(f"{table.lang}: fit epoch {epoch}: 1 - cos = {loss:.3f}"),
    )
    fitted.meta["sentence_fit"]["sources"] = dict(targets.sources)
    return fitted
