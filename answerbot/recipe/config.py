"""A recipe: which languages, how the tables are made, how the core is distilled and fine-tuned.

Recipes are TOML files; the bundled ones (``answerbot/recipe/recipes/*.toml``) are named by file stem.
Every section's keys are the fields of its dataclass; ``[distill.train]`` and ``[finetune.train]`` are
``TrainConfig`` fields. Unknown keys are errors that name the key and the file.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from answerbot.data.parallel import PARALLEL_SOURCES
from answerbot.data.sentences import SENTENCE_SOURCES
from answerbot.model.training import TrainConfig

__all__ = ["DistillRecipe", "FinetuneRecipe", "Recipe", "TableRecipe", "bundled_recipes"]

RECIPES_DIR = Path(__file__).parent / "recipes"


@dataclass(frozen=True)
class TableRecipe:
    """How each language's table is made: teacher vectors of the corpus vocabulary, fitted to sentences.

    ``task_sentences`` (see ``answerbot.data.sentences``) add question-like sentences of each language to
    its vocabulary and, for a language the teacher covers, to its fit (and distillation) sentences.
    """

    max_words: int = 100_000
    min_count: int = 2
    max_lines: int | None = None
    sentences: int = 20_000
    fit_epochs: int = 5
    fit_l2: float = 1e-3
    parallel: tuple[str, ...] = ("support-kb",)
    task_sentences: tuple[str, ...] = ()
    task_sentences_limit: int = 20_000

    def __post_init__(self) -> None:
        unknown = sorted(set(self.parallel) - set(PARALLEL_SOURCES))
        if unknown:
            raise ValueError(f"tables.parallel: unknown source(s) {unknown}; choose from {list(PARALLEL_SOURCES)}")
        unknown = sorted(set(self.task_sentences) - set(SENTENCE_SOURCES))
        if unknown:
            raise ValueError(f"tables.task_sentences: unknown {unknown}; choose from {sorted(SENTENCE_SOURCES)}")
        if self.sentences < 0 or self.fit_epochs < 0:
            raise ValueError(f"tables: sentences={self.sentences}, fit_epochs={self.fit_epochs} must be >= 0")


@dataclass(frozen=True)
class DistillRecipe:
    """What the core is distilled on: corpus sentences (the tables' fit sentences), support-KB train
    titles and bodies, and a held-out share for validation."""

    kb: bool = True
    kb_per_language: int | None = None
    validation_share: float = 0.02
    train: TrainConfig = field(default_factory=lambda: TrainConfig(output_dim=512, epochs=3, batch_size=128))


@dataclass(frozen=True)
class FinetuneRecipe:
    """Task pairs from the support KB's train split; ``train.distill_weight`` keeps the teacher's space."""

    support_kb: tuple[str, ...] = ()
    per_language: int | None = None
    english_titles: float = 1.0
    cross_language: float = 0.5
    validation_share: float = 0.03
    train: TrainConfig = field(
        default_factory=lambda: TrainConfig(output_dim=512, epochs=2, batch_size=128, distill_weight=1.0)
    )


@dataclass(frozen=True)
class Recipe:
    name: str
    languages: tuple[str, ...]
    strategy: str = "priority"
    tables: TableRecipe = field(default_factory=TableRecipe)
    distill: DistillRecipe = field(default_factory=DistillRecipe)
    finetune: FinetuneRecipe = field(default_factory=FinetuneRecipe)

    def __post_init__(self) -> None:
        if not self.languages:
            raise ValueError("languages: empty; name at least one language")
        if len(set(self.languages)) != len(self.languages):
            raise ValueError(f"languages={list(self.languages)}: a language is named twice")
        arch = ("hidden", "output_dim", "cell", "bidirectional", "pooling", "input_dim", "bag", "lang_aware")
        differ = [k for k in arch if getattr(self.distill.train, k) != getattr(self.finetune.train, k)]
        if differ:
            raise ValueError(f"finetune.train changes the architecture of distill.train ({differ}); keep them equal")

    @classmethod
    def from_file(cls, path: Path | str) -> Recipe:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ValueError(f"{path}: cannot read the recipe ({e})") from e
        try:
            return _build(cls, data, str(path))
        except TypeError as e:
            raise ValueError(f"{path}: {e}") from e

    @classmethod
    def named(cls, name_or_path: str) -> Recipe:
        """A bundled recipe by name (see ``bundled_recipes``), or a recipe file by path."""
        bundled = RECIPES_DIR / f"{name_or_path}.toml"
        if bundled.is_file():
            return cls.from_file(bundled)
        path = Path(name_or_path)
        if path.is_file():
            return cls.from_file(path)
        raise ValueError(
            f"recipe {name_or_path!r}: no such file and not a bundled recipe ({', '.join(bundled_recipes())})"
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def bundled_recipes() -> list[str]:
    return sorted(p.stem for p in RECIPES_DIR.glob("*.toml"))


_NESTED: dict[tuple[type, str], type] = {
    (Recipe, "tables"): TableRecipe,
    (Recipe, "distill"): DistillRecipe,
    (Recipe, "finetune"): FinetuneRecipe,
    (DistillRecipe, "train"): TrainConfig,
    (FinetuneRecipe, "train"): TrainConfig,
}


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; known: {sorted(names)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        nested = _NESTED.get((cls, key))
        if nested is not None:
            if not isinstance(value, dict):
                raise ValueError(f"{where}: {key} must be a table ([{key}]), got {value!r}")
            values[key] = _build(nested, value, f"{where} [{key}]")
        elif isinstance(value, list):
            values[key] = tuple(value)
        else:
            values[key] = value
    return cls(**values)
