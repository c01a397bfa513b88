"""Training pairs from the support KB (``train`` ids only): title -> body, same or cross language.

Every KB language shares article ids, so the KB is also parallel text: a title in one language can
be paired with the body in another (cross-language pairs), and ``title_en`` gives English queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from answerbot.data.records import Pair
from answerbot.data.support_kb import KbArticle, read_split, read_support_kb

__all__ = ["KB_LANGUAGES", "kb_pairs"]

KB_LANGUAGES = ("ar", "de", "el", "es", "fr", "it", "ja", "pt", "ru", "th", "tr", "vi", "zh")


def kb_pairs(
    data_dir: Path,
    languages: Sequence[str] = KB_LANGUAGES,
    english_titles: float = 0.0,
    cross_language: float = 0.0,
    per_language: int | None = None,
    seed: int = 0,
) -> list[Pair]:
    """Pairs from train-split articles of ``languages``.

    Each article gives its own title -> body pair (group = its language); in addition, a share
    ``english_titles`` of them pairs ``title_en`` -> body, and a share ``cross_language`` pairs the
    title of the same article in another of ``languages`` -> body. ``doc_key`` is ``lang/id``.
    """
    for name, share in (("english_titles", english_titles), ("cross_language", cross_language)):
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name}={share}: must be a share between 0 and 1")
    rng = np.random.default_rng(seed)
    split = read_split(data_dir)
    kb: dict[str, dict[str, KbArticle]] = {
        lang: {a.id: a for a in read_support_kb(data_dir, lang) if split.get(a.id) == "train" and a.body}
        for lang in languages
    }
    pairs: list[Pair] = []
    for lang, articles in kb.items():
        chosen = list(articles.values())
        if per_language is not None:
            chosen = [chosen[i] for i in sorted(rng.permutation(len(chosen))[:per_language])]
        for a in chosen:
            key = f"{lang}/{a.id}"
            pairs.append(Pair(a.title, a.body, key, lang))
            if a.title_en and rng.random() < english_titles:
                pairs.append(Pair(a.title_en, a.body, key, lang))
            others = [o for o in languages if o != lang and a.id in kb[o]]
            if others and rng.random() < cross_language:
                other = others[int(rng.integers(len(others)))]
                pairs.append(Pair(kb[other][a.id].title, a.body, key, lang))
    return pairs
