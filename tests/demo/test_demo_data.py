"""Validation of the hand-written demo data set (answerbot/demo/*.jsonl), stdlib only."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parents[2] / "answerbot" / "demo"
LOCALES = {"en", "de", "es", "fr", "ru", "ja"}
KB_KEYS = {"account", "id", "locale", "title", "body", "labels"}
TICKET_KEYS = {"id", "account", "locale", "text", "article_id", "split"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def _load(name: str) -> tuple[dict, ...]:
    rows = []
    with (DEMO_DIR / name).open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            assert line.strip(), f"{name}:{n} is blank"
            row = json.loads(line)
            assert isinstance(row, dict), f"{name}:{n} is not a JSON object"
            rows.append(row)
    return tuple(rows)


def kb() -> tuple[dict, ...]:
    return _load("kb.jsonl")


def tickets() -> tuple[dict, ...]:
    return _load("tickets.jsonl")


def _slug(article_id: str) -> str:
    return article_id.rsplit(".", 1)[0]


def test_kb_rows_have_exactly_the_required_keys_and_types():
    for row in kb():
        assert set(row) == KB_KEYS, row.get("id")
        for key in KB_KEYS - {"labels"}:
            assert isinstance(row[key], str) and row[key].strip(), (row["id"], key)
        labels = row["labels"]
        assert isinstance(labels, list) and 1 <= len(labels) <= 2, row["id"]
        assert all(isinstance(x, str) and x and x == x.lower() for x in labels), row["id"]


def test_ticket_rows_have_exactly_the_required_keys_and_types():
    for row in tickets():
        assert set(row) == TICKET_KEYS, row.get("id")
        for key in TICKET_KEYS:
            assert isinstance(row[key], str) and row[key].strip(), (row["id"], key)
        assert row["split"] in {"train", "test"}, row["id"]


def test_article_ids_are_unique_per_account():
    counts = Counter((row["account"], row["id"]) for row in kb())
    assert [key for key, n in counts.items() if n > 1] == []


def test_article_id_is_slug_dot_locale():
    for row in kb():
        assert row["id"] == f"{_slug(row['id'])}.{row['locale']}"


def test_kb_has_two_accounts():
    assert len({row["account"] for row in kb()}) == 2


def test_kb_has_six_locales_with_at_least_20_articles_each():
    per_locale = Counter(row["locale"] for row in kb())
    assert set(per_locale) == LOCALES
    assert min(per_locale.values()) >= 20


def test_every_topic_exists_in_all_locales_of_its_account():
    locales_by_topic: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in kb():
        locales_by_topic[(row["account"], _slug(row["id"]))].add(row["locale"])
    missing = {topic: LOCALES - locs for topic, locs in locales_by_topic.items() if locs != LOCALES}
    assert missing == {}


def test_topic_slugs_are_unique_across_accounts():
    accounts_by_slug: dict[str, set[str]] = defaultdict(set)
    for row in kb():
        accounts_by_slug[_slug(row["id"])].add(row["account"])
    assert all(len(accounts) == 1 for accounts in accounts_by_slug.values())


def test_labels_are_the_same_across_locales_of_a_topic():
    labels_by_topic: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for row in kb():
        labels_by_topic[_slug(row["id"])].add(tuple(row["labels"]))
    assert all(len(variants) == 1 for variants in labels_by_topic.values())


def test_ticket_ids_are_unique():
    ids = [row["id"] for row in tickets()]
    assert len(ids) == len(set(ids))


def test_at_least_120_tickets_and_20_per_locale():
    per_locale = Counter(row["locale"] for row in tickets())
    assert len(tickets()) >= 120
    assert set(per_locale) == LOCALES
    assert min(per_locale.values()) >= 20


def test_ticket_article_exists_in_same_account_and_locale():
    articles = {(row["account"], row["id"]): row["locale"] for row in kb()}
    for row in tickets():
        key = (row["account"], row["article_id"])
        assert key in articles, row["id"]
        assert articles[key] == row["locale"], row["id"]


def test_both_splits_present_in_every_locale():
    splits: dict[str, set[str]] = defaultdict(set)
    for row in tickets():
        splits[row["locale"]].add(row["split"])
    assert {loc: s for loc, s in splits.items() if s != {"train", "test"}} == {}
    assert set(splits) == LOCALES


def test_japanese_texts_contain_kana_or_kanji():
    texts = [r["title"] for r in kb() if r["locale"] == "ja"]
    texts += [r["body"] for r in kb() if r["locale"] == "ja"]
    texts += [r["text"] for r in tickets() if r["locale"] == "ja"]
    assert texts
    assert [t for t in texts if not JAPANESE.search(t)] == []


def test_russian_texts_contain_cyrillic():
    texts = [r["title"] for r in kb() if r["locale"] == "ru"]
    texts += [r["body"] for r in kb() if r["locale"] == "ru"]
    texts += [r["text"] for r in tickets() if r["locale"] == "ru"]
    assert texts
    assert [t for t in texts if not CYRILLIC.search(t)] == []
