"""Language detection of enquiry texts (langdetect with a fixed seed, so results are deterministic).

Both ``langdetect`` and ``langdetect-rs`` are installed. ``BACKEND`` is the Rust port when it can be imported:
it returns langdetect's answers bit for bit (``tests/test_lang.py`` compares them) at about 1/40 of the cost
(pure-Python langdetect took about 2 ms per ticket, the largest cost of a recommendation after the HTTP stack).
Where the port has no wheel, langdetect itself answers, the same answers, slower.

Short text: under 3 letters the language is undetermined ("und", confidence 0). Up to 20 letters
langdetect still answers, but its probability rests on a handful of character n-grams, so the confidence
is scaled by ``letters / 20`` - "ok thanks" is reported, with the low confidence it deserves.

The answers for the last ``_CACHED_TEXTS`` distinct texts are kept (the same ticket text is often sent again,
by retries or by several tickets of one incident).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from importlib.util import find_spec
from typing import Any

__all__ = ["BACKEND", "BACKENDS", "UNDETERMINED", "LanguageGuess", "detect_language"]

BACKENDS = ("langdetect_rs", "langdetect")
"""The packages that implement langdetect's detector (the same module layout), fastest first."""
BACKEND = next((name for name in BACKENDS if find_spec(name) is not None), "langdetect")
"""The one ``detect_language`` uses by default: the first of ``BACKENDS`` that is installed."""

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
def _factory(seed: int, backend: str) -> tuple[Any, type[Exception]]:
    """A detector factory of its own (not the backend's global one) with the profiles loaded and seeded, and
    the backend's "no features" error."""
    factories = import_module(f"{backend}.detector_factory")
    factory = factories.DetectorFactory()
    factory.load_profile(factories.PROFILES_DIRECTORY)
    factory.set_seed(seed)
    return factory, import_module(f"{backend}.lang_detect_exception").LangDetectException


@lru_cache(maxsize=_CACHED_TEXTS)
def detect_language(text: str, seed: int = 0, backend: str = BACKEND) -> LanguageGuess:
    """Guess the language of ``text``; "und" for text with fewer than 3 letters or no clear answer.

    The confidence of text under 20 letters is scaled down (see the module docstring). ``backend`` is one of
    ``BACKENDS`` (their answers are equal).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend={backend!r} is not a language detector; use one of {', '.join(BACKENDS)}")
    letters = sum(ch.isalpha() for ch in text)
    if letters < _MIN_LETTERS:
        return UNDETERMINED
    factory, no_features = _factory(seed, backend)
    detector = factory.create()
    detector.n_trial = _TRIALS
    detector.set_max_text_length(_MAX_TEXT_CHARS)
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (no_features, IndexError):
        return UNDETERMINED
    confidence = float(best.prob) * min(1.0, letters / _FULL_CONFIDENCE_LETTERS)
    return LanguageGuess(_CODE_ALIASES.get(best.lang, best.lang), round(confidence, 6))
