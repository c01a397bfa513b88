"""Language detection of enquiry texts (langdetect with a fixed seed, so results are deterministic)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

__all__ = ["UNDETERMINED", "LanguageGuess", "detect_language"]

_MIN_LETTERS = 3
_CODE_ALIASES = {"zh-cn": "zh", "zh-tw": "zh"}


@dataclass(frozen=True)
class LanguageGuess:
    """An ISO 639-1 language code ("und" when undetermined) and its probability in [0, 1]."""

    code: str
    confidence: float


UNDETERMINED = LanguageGuess("und", 0.0)


@lru_cache(maxsize=4)
def _factory(seed: int) -> DetectorFactory:
    """A detector factory of its own (not langdetect's global one) with the profiles loaded and seeded."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(seed)
    return factory


def detect_language(text: str, seed: int = 0) -> LanguageGuess:
    """Guess the language of ``text``; "und" for text with fewer than 3 letters or no clear answer."""
    if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
        return UNDETERMINED
    detector = _factory(seed).create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return UNDETERMINED
    return LanguageGuess(_CODE_ALIASES.get(best.lang, best.lang), float(best.prob))
