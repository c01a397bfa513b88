"""Training pairs from XQuAD-R's other folds (P2 trains on every fold but the one it scores).

A question is paired with its answer sentence read in context (``sentence\\nparagraph``, the text P2
encodes as a candidate). XQuAD-R is parallel across its 11 languages, so a share ``cross_language``
of questions is also paired with the answer sentence in another language (LAReQA's X-Y setting).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from answerbot.data.records import Pair
from answerbot.data.xquad import read_folds, read_xquad, xquad_languages

__all__ = ["xquad_pairs"]


def xquad_pairs(data_dir: Path, held_out_fold: int, cross_language: float = 0.0, seed: int = 0) -> list[Pair]:
    """Pairs from all folds except ``held_out_fold``; ``doc_key`` names the sentence in its language."""
    if not 0.0 <= cross_language <= 1.0:
        raise ValueError(f"cross_language={cross_language}: must be a share between 0 and 1")
    folds = read_folds(data_dir)
    rng = np.random.default_rng(seed)
    answers: dict[str, dict[str, tuple[str, str]]] = {}  # question id -> lang -> (doc key, text)
    questions: list[tuple[str, str, str]] = []  # (question id, lang, question)
    for lang in xquad_languages(data_dir):
        for para in read_xquad(data_dir, lang):
            if folds.get(para.title) == held_out_fold:
                continue
            for q in para.questions:
                key = f"{lang}/{para.title}/{para.index}/{q.sentence}"
                answers.setdefault(q.id, {})[lang] = (key, f"{para.sentences[q.sentence]}\n{para.context}")
                questions.append((q.id, lang, q.question))
    pairs = []
    for qid, lang, question in questions:
        key, text = answers[qid][lang]
        pairs.append(Pair(question, text, key, lang))
        others = sorted(o for o in answers[qid] if o != lang)
        if others and rng.random() < cross_language:
            other_key, other_text = answers[qid][others[int(rng.integers(len(others)))]]
            pairs.append(Pair(question, other_text, other_key, lang))
    return pairs
