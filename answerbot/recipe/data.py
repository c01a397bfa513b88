"""The texts a recipe learns from, gathered with the data discipline of the benchmarks.

- tables: each covered language's table is fitted to a seeded sample of its corpus with the teacher's
  sentence vectors; an uncovered language's to parallel text (support-KB **train** ids, XQuAD-R without
  the excluded folds) with the teacher's vectors of the translations;
- distillation: the same sentences, plus support-KB **train** titles and bodies (own targets for covered
  languages, parallel targets for the others);
- fine-tuning: support-KB **train** pairs.

Never read here: Tatoeba (P3's test), support-KB test ids, the excluded XQuAD-R folds.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from answerbot.data.parallel import parallel_texts
from answerbot.data.sentences import task_sentences
from answerbot.data.support_kb import read_split, read_support_kb
from answerbot.recipe.config import Recipe
from answerbot.teacher.base import Teacher, TeacherError
from answerbot.teacher.targets import DistillSet, corpus_sample, own_targets, parallel_targets

__all__ = ["corpus_path", "kb_targets", "table_targets", "task_texts"]

KB_LANGUAGES = frozenset({"ar", "de", "el", "es", "fr", "it", "ja", "pt", "ru", "th", "tr", "vi", "zh"})


def corpus_path(data_dir: Path, lang: str) -> Path:
    return Path(data_dir) / "corpora" / f"{lang}.txt.gz"


def table_targets(
    recipe: Recipe, data_dir: Path, lang: str, teacher: Teacher, exclude_xquad_folds: Collection[int] = ()
) -> DistillSet:
    """The sentences ``lang``'s table is fitted to (and the core distilled on), with their targets."""
    if lang in teacher.languages:
        sample = corpus_sample(corpus_path(data_dir, lang), recipe.tables.sentences, seed=0)
        own = own_targets(teacher, sample, f"corpus:{lang}")
        extra = task_texts(recipe, data_dir, lang)
        return DistillSet.concat([own, own_targets(teacher, extra, f"task sentences:{lang}")]) if extra else own
    if not recipe.tables.parallel:
        raise TeacherError(
            f"language {lang!r}: the teacher {teacher.name} does not cover it and the recipe gives no parallel "
            'data; set tables.parallel = ["support-kb"] (or "xquad-r") in the recipe, or drop the language'
        )
    texts = parallel_texts(data_dir, lang, teacher.languages, recipe.tables.parallel, exclude_xquad_folds)
    if not texts:
        raise TeacherError(
            f"language {lang!r}: no parallel text found in {list(recipe.tables.parallel)} under {data_dir}; "
            "the teacher does not cover it, so give parallel data for it or drop it from the recipe"
        )
    return parallel_targets(teacher, texts, f"parallel:{lang}")


def task_texts(recipe: Recipe, data_dir: Path, lang: str) -> list[str]:
    """The recipe's task sentences of ``lang`` (empty when it names none)."""
    sources = recipe.tables.task_sentences
    return task_sentences(data_dir, lang, sources, recipe.tables.task_sentences_limit) if sources else []


def kb_targets(data_dir: Path, lang: str, teacher: Teacher, per_language: int | None = None) -> DistillSet | None:
    """Support-KB train titles and bodies of a covered KB language with the teacher's own vectors (the
    first ``per_language`` articles; None for other languages: an uncovered language's KB texts are
    already in its parallel targets)."""
    if lang not in KB_LANGUAGES or lang not in teacher.languages:
        return None
    split = read_split(data_dir)
    articles = [a for a in read_support_kb(data_dir, lang) if split.get(a.id) == "train"][:per_language]
    return own_targets(teacher, [a.title for a in articles] + [a.body for a in articles], f"support-kb:{lang}")
