"""Assemble a training set from several sources and hold out a validation share by document."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from answerbot.data.feedback_pairs import read_feedback_pairs
from answerbot.data.kb_pairs import kb_pairs
from answerbot.data.pairs import read_pairs
from answerbot.data.records import Pair
from answerbot.data.squad import qa_pairs

__all__ = ["TrainingSet", "gather_pairs", "split_validation"]


@dataclass
class TrainingSet:
    pairs: list[Pair]
    sources: dict[str, int] = field(default_factory=dict)  # source -> pairs taken
    skipped: int = 0


def gather_pairs(
    pair_files: Sequence[Path] = (),
    qa_files: Sequence[Path] = (),
    data_dir: Path | None = None,
    support_kb: Sequence[str] = (),
    english_titles: float = 0.0,
    cross_language: float = 0.0,
    skip_bad: bool = False,
    seed: int = 0,
    feedback_files: Sequence[Path] = (),
) -> TrainingSet:
    """Pairs from pair files (JSONL/CSV/XLSX), SQuAD files, the support KB's train split and feedback exports
    (``answerbot feedback export``: resolved pairs, rejected articles as their hard negatives)."""
    result = TrainingSet([])
    for path in feedback_files:
        feedback = read_feedback_pairs(path)
        result.pairs += feedback.pairs
        result.sources[f"feedback:{path}"] = len(feedback.pairs)
        result.sources[f"feedback:{path}:negatives"] = feedback.negatives
        result.sources[f"feedback:{path}:unattached_rejections"] = feedback.unattached
    for path in pair_files:
        read = read_pairs(path, skip_bad=skip_bad)
        result.pairs += read.pairs
        result.sources[str(path)] = len(read.pairs)
        result.skipped += read.skipped
    for path in qa_files:
        pairs = qa_pairs(path, group=path.parent.name)
        result.pairs += pairs
        result.sources[str(path)] = len(pairs)
    if support_kb:
        if data_dir is None:
            raise ValueError("support_kb: needs data_dir, the shared data folder")
        pairs = kb_pairs(data_dir, support_kb, english_titles, cross_language, seed=seed)
        result.pairs += pairs
        result.sources[f"support-kb:{','.join(support_kb)}"] = len(pairs)
    if not result.pairs:
        raise ValueError("no training pairs: give --pairs, --qa, --support-kb or --feedback")
    return result


def split_validation(pairs: Sequence[Pair], share: float, seed: int = 0) -> tuple[list[Pair], list[Pair]]:
    """(train, validation): a stable ``share`` of documents (by ``doc_key``) and all their pairs held out."""
    if not 0.0 <= share < 1.0:
        raise ValueError(f"validation share={share}: must be in [0, 1)")
    cut = int(share * 2**32)
    held = [(zlib.crc32(f"{seed}:{p.doc_key}".encode()) < cut) for p in pairs]
    return [p for p, h in zip(pairs, held, strict=True) if not h], [p for p, h in zip(pairs, held, strict=True) if h]
