"""Reader for ``support-kb/<lang>.jsonl.gz`` and its ``split.json`` (the P1 benchmark's knowledge base)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from answerbot.data.jsonl import DataError, read_jsonl, require

__all__ = ["KbArticle", "read_split", "read_support_kb", "strip_title_lines"]


@dataclass(frozen=True)
class KbArticle:
    id: str
    lang: str
    title: str
    title_en: str
    body: str


_MARKUP = re.compile(r"[*_`#>]+")


def strip_title_lines(title: str, body: str) -> str:
    """The body without lines that repeat the title (P1 removes them) and without markdown emphasis."""
    wanted = title.strip().lower()
    lines = [line for line in body.splitlines() if _MARKUP.sub("", line).strip().lower() != wanted]
    return _MARKUP.sub("", "\n".join(lines)).strip()


def read_support_kb(data_dir: Path, lang: str) -> list[KbArticle]:
    path = data_dir / "support-kb" / f"{lang}.jsonl.gz"
    articles = []
    for line_no, record in read_jsonl(path):
        title = require(record, "title", path, line_no)
        articles.append(
            KbArticle(
                id=require(record, "id", path, line_no),
                lang=lang,
                title=title,
                title_en=str(record.get("title_en") or ""),
                body=strip_title_lines(title, require(record, "body", path, line_no)),
            )
        )
    return articles


def read_split(data_dir: Path) -> dict[str, str]:
    """Article id -> "train" or "test"."""
    path = data_dir / "support-kb" / "split.json"
    if not path.is_file():
        raise DataError(f"{path}: no such file; is --data-dir pointing at shared/data?")
    return json.loads(path.read_text(encoding="utf-8"))
