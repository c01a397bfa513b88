"""Language detection of enquiry texts (langdetect with a fixed seed, so results are deterministic).

langdetect's algorithm and profiles run in ``langdetect-rs``, a Rust port that returns langdetect's answers
bit for bit (``tests/test_lang.py`` compares them) at about 1/40 of the cost: pure-Python langdetect took
about 2 ms per ticket, the largest cost of a recommendation after the HTTP stack.

Short text: under 3 letters the language is undetermined ("und", confidence 0). Up to 20 letters
langdetect still answers, but its probability rests on a handful of character n-grams, so the confidence
is scaled by ``letters / 20`` - "ok thanks" is reported, with the low confidence it deserves.

The answers for the last ``_CACHED_TEXTS`` distinct texts are kept (the same ticket text is often sent again,
by retries or by several tickets of one incident).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from langdetect_rs.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect_rs.lang_detect_exception import LangDetectException

__all__ = ["UNDETERMINED", "LanguageGuess", "detect_language"]

_MIN_LETTERS = 3
_TRIALS = 3  # langdetect's default is 7; 3 keeps the answers on real text and cuts the cost
_MAX_TEXT_CHARS = 500  # the language of a ticket shows in its first few sentences
_FULL_CONFIDENCE_LETTERS = 20
_CODE_ALIASES = {"zh-cn": "zh", "zh-tw": "zh"}
_CACHED_TEXTS = 4096


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


@lru_cache(maxsize=_CACHED_TEXTS)
def detect_language(text: str, seed: int = 0) -> LanguageGuess:
    """Guess the language of ``text``; "und" for text with fewer than 3 letters or no clear answer.

    The confidence of text under 20 letters is scaled down (see the module docstring).
    """
    letters = sum(ch.isalpha() for ch in text)
    if letters < _MIN_LETTERS:
        return UNDETERMINED
    detector = _factory(seed).create()
    detector.n_trial = _TRIALS
    detector.set_max_text_length(_MAX_TEXT_CHARS)
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return UNDETERMINED
    confidence = float(best.prob) * min(1.0, letters / _FULL_CONFIDENCE_LETTERS)
    return LanguageGuess(_CODE_ALIASES.get(best.lang, best.lang), round(confidence, 6))
