"""Distillation targets: texts paired with the teacher's vector of what they mean.

For a language the teacher covers, a text's target is the teacher's vector of the text itself. For a
language it does not cover, the target is the normalised mean of the teacher's vectors of the text's
translations (``ParallelText.pivots``), so the meaning crosses over from the covered side.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from answerbot.data.parallel import ParallelText
from answerbot.embeddings.vocabulary import corpus_lines
from answerbot.teacher.base import Teacher, TeacherError, unit_rows

__all__ = ["DistillSet", "corpus_sample", "own_targets", "parallel_targets"]


@dataclass
class DistillSet:
    """``texts`` and their targets (float32 unit rows); ``sources`` counts texts per source name."""

    texts: list[str]
    targets: np.ndarray
    sources: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.targets.ndim != 2 or self.targets.shape[0] != len(self.texts):
            raise TeacherError(
                f"targets: shape {self.targets.shape} for {len(self.texts)} texts; need one row per text"
            )

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def dim(self) -> int:
        return int(self.targets.shape[1])

    @classmethod
    def concat(cls, parts: Sequence[DistillSet]) -> DistillSet:
        if not parts:
            raise TeacherError("no distillation texts: give at least one source")
        dims = {p.dim for p in parts}
        if len(dims) > 1:
            raise TeacherError(f"distillation sets of different dimensions {sorted(dims)}: use one teacher")
        sources: dict[str, int] = {}
        for part in parts:
            for name, count in part.sources.items():
                sources[name] = sources.get(name, 0) + count
        return cls(
            [t for p in parts for t in p.texts], np.concatenate([p.targets for p in parts]).astype(np.float32), sources
        )

    def split(self, share: float, seed: int = 0) -> tuple[DistillSet, DistillSet]:
        """(rest, held out): a seeded ``share`` of the texts held out, e.g. for validation."""
        if not 0.0 <= share < 1.0:
            raise TeacherError(f"share={share}: must be in [0, 1)")
        held = np.random.default_rng(seed).random(len(self)) < share
        keep, out = np.flatnonzero(~held), np.flatnonzero(held)
        return (
            DistillSet([self.texts[i] for i in keep], self.targets[keep], dict(self.sources)),
            DistillSet([self.texts[i] for i in out], self.targets[out], {"held out": len(out)}),
        )

    def batches(self, batch_size: int, rng: np.random.Generator) -> list[tuple[list[str], np.ndarray]]:
        """One epoch of shuffled batches, each sorted by text length within a span of 32 batches."""
        order = rng.permutation(len(self))
        span = batch_size * 32
        out = []
        for start in range(0, len(order), span):
            chunk = sorted(order[start : start + span], key=lambda i: len(self.texts[i]))
            for b in range(0, len(chunk), batch_size):
                rows = chunk[b : b + batch_size]
                out.append(([self.texts[i] for i in rows], self.targets[rows]))
        return [out[i] for i in rng.permutation(len(out))]

    def cycle(self, batch_size: int, seed: int = 0) -> Iterator[tuple[list[str], np.ndarray]]:
        """Batches without end: epoch after epoch, reshuffled each time."""
        rng = np.random.default_rng(seed)
        while True:
            yield from self.batches(batch_size, rng)


def own_targets(teacher: Teacher, texts: Sequence[str], source: str) -> DistillSet:
    """Targets of texts in languages the teacher covers: its vectors of the texts themselves."""
    texts = [t for t in dict.fromkeys(texts) if t.strip()]
    return DistillSet(list(texts), unit_rows(teacher.encode(texts)), {source: len(texts)})


def parallel_targets(teacher: Teacher, texts: Sequence[ParallelText], source: str) -> DistillSet:
    """Targets of texts in a language the teacher does not cover: the mean of its vectors of the translations
    (only translations into languages the teacher covers count)."""
    usable = [(t, [p for code, p in t.pivots if code in teacher.languages]) for t in texts]
    usable = [(t, pivots) for t, pivots in usable if pivots and t.text.strip()]
    if not usable:
        raise TeacherError(f"{source}: no parallel text has a translation into a language the teacher covers")
    unique = list(dict.fromkeys(p for _, pivots in usable for p in pivots))
    position = {p: i for i, p in enumerate(unique)}
    vectors = teacher.encode(unique)
    targets = np.stack([vectors[[position[p] for p in pivots]].mean(axis=0) for _, pivots in usable])
    return DistillSet([t.text for t, _ in usable], unit_rows(targets), {source: len(usable)})


def corpus_sample(corpus: Path, n: int, seed: int = 0, max_chars: int = 2000) -> list[str]:
    """A seeded sample of ``n`` distinct lines of ``corpus`` (reservoir sampling; long lines skipped)."""
    rng = random.Random(seed)
    sample: list[str] = []
    for seen, line in enumerate(dict.fromkeys(x for x in corpus_lines(corpus) if len(x) <= max_chars)):
        if len(sample) < n:
            sample.append(line)
        else:
            j = rng.randint(0, seen)
            if j < n:
                sample[j] = line
    return sample
