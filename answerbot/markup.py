"""HTML to plain text for encoding and snippets (stdlib ``html.parser``); the stored body keeps its HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["snippet", "strip_html"]

_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th",
    "tr", "ul",
}  # fmt: skip
_SKIP = {"script", "style", "template", "noscript", "head"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """The visible text of ``text``: tags dropped, entities decoded, block tags as line breaks.

    Text without ``<`` or ``&`` is returned as is, so plain-text articles encode exactly as before.
    """
    if "<" not in text and "&" not in text:
        return text
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    joined = _SPACES.sub(" ", "".join(parser.parts))
    return _LINES.sub("\n", joined).strip()


def snippet(text: str, max_chars: int = 200) -> str:
    """The first ``max_chars`` characters of plain ``text`` on one line, cut at a word with '…'."""
    flat = " ".join(text.split())
    if len(flat) <= max_chars:
        return flat
    cut = flat[:max_chars].rsplit(" ", 1)[0] or flat[:max_chars]
    return cut + "…"
