"""The demo knowledge base and labelled tickets that ship inside the package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from answerbot.data.jsonl import read_jsonl
from answerbot.text import article_text

__all__ = ["DEMO_DIR", "DemoArticle", "DemoTicket", "load_kb", "load_tickets"]

DEMO_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class DemoArticle:
    account: str
    id: str
    locale: str
    title: str
    body: str
    labels: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.account}/{self.id}"

    @property
    def text(self) -> str:
        return article_text(self.title, self.body)


@dataclass(frozen=True)
class DemoTicket:
    id: str
    account: str
    locale: str
    text: str
    article_id: str
    split: str

    @property
    def article_key(self) -> str:
        return f"{self.account}/{self.article_id}"


def load_kb(path: Path = DEMO_DIR / "kb.jsonl") -> list[DemoArticle]:
    return [
        DemoArticle(r["account"], r["id"], r["locale"], r["title"], r["body"], tuple(r.get("labels", [])))
        for _, r in read_jsonl(path)
    ]


def load_tickets(path: Path = DEMO_DIR / "tickets.jsonl") -> list[DemoTicket]:
    return [
        DemoTicket(r["id"], r["account"], r["locale"], r["text"], r["article_id"], r["split"])
        for _, r in read_jsonl(path)
    ]
