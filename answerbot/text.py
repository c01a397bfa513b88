"""Text normalisation and tokenisation rules: the Python mirror of the in-graph tokenizer.

The same rules run in four places: corpus preparation for fastText pre-training, table loading,
training and serving (inside the TensorFlow graph, ``answerbot.model.tokenizer``). They use only what
both Python and TensorFlow's core string ops (RE2, ICU lower-casing) can do identically:

1. lower-case (Unicode full case mapping);
2. every character that is not a letter, number or combining mark becomes a space;
3. scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer,
   Myanmar) are joined across whitespace, so pre-segmented corpora and raw user text agree;
4. each run of those scripts becomes overlapping character bigrams (a one-character run stays a
   unigram) - the classic CJK bigram choice: no dictionary, no segmenter, runnable in TF Serving;
5. everything else splits on whitespace.

No Unicode normalisation (NFKC) is applied: core TensorFlow has no op for it, and a rule only one
side applies would make serving disagree with training.
"""

from __future__ import annotations

import re
import unicodedata

from answerbot.markup import strip_html

__all__ = [
    "NO_SPACE_RANGES",
    "article_text",
    "no_space_class_python",
    "no_space_class_re2",
    "normalize",
    "tokenize",
]

#: Code-point ranges of scripts written without spaces between words.
NO_SPACE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x2FA1F),  # CJK extensions B-F and compatibility supplement
)


def no_space_class_python() -> str:
    """The no-space scripts as a Python ``re`` character class."""
    parts = [f"{chr(lo)}-{chr(hi)}" for lo, hi in NO_SPACE_RANGES]
    return "[" + "".join(parts) + "]"


def no_space_class_re2() -> str:
    """The no-space scripts as an RE2 character class (for ``tf.strings.regex_replace``)."""
    parts = [f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in NO_SPACE_RANGES]
    return "[" + "".join(parts) + "]"


_NS = no_space_class_python()
_NS_GAP = re.compile(f"({_NS})\\s+({_NS})")
_NS_RUN = re.compile(f"({_NS}+)")
_NS_FULL = re.compile(f"{_NS}+")


def _keep(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNM"


def normalize(text: str) -> str:
    """Steps 1-3: lower-case, punctuation to spaces, no-space scripts joined, runs set apart."""
    lowered = text.lower()
    cleaned = "".join(ch if _keep(ch) else " " for ch in lowered)
    # Two passes: matches cannot overlap, so one pass joins every other gap of "a b c d".
    joined = _NS_GAP.sub(r"\1\2", _NS_GAP.sub(r"\1\2", cleaned))
    return _NS_RUN.sub(r" \1 ", joined)


def tokenize(text: str) -> list[str]:
    """The tokens of ``text``, exactly as the in-graph tokenizer produces them."""
    tokens: list[str] = []
    for token in normalize(text).split():
        if _NS_FULL.fullmatch(token) and len(token) > 1:
            tokens.extend(token[i : i + 2] for i in range(len(token) - 1))
        else:
            tokens.append(token)
    return tokens


def article_text(title: str, body: str) -> str:
    """The text an article is encoded from: its title, a newline, its body's visible text (HTML stripped)."""
    return f"{title}\n{strip_html(body)}"
