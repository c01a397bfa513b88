"""A tiny shared-data folder in which every text a benchmark tests carries a marker word.

Training code must never read a marked text: Tatoeba (P3's test), support-KB test ids (P1's test) and the
articles of the XQuAD-R fold a P2 run scores. ``opened`` records every file the process opens, so a test
can also assert that a forbidden file was never even opened.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from tests.evaluation.fixtures import paragraph, write_xquad_file

FORBIDDEN = "forbiddenword"
LANGS = ("de", "el")
OPENED: list[str] = []
_RECORDING = [False]


def _audit(event: str, args: tuple) -> None:
    if _RECORDING[0] and event == "open" and args and isinstance(args[0], str | Path):
        OPENED.append(str(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def opened():
    """Paths opened while the test runs."""
    OPENED.clear()
    _RECORDING[0] = True
    yield OPENED
    _RECORDING[0] = False


def _gz(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def write_tiny_data(root: Path) -> Path:
    words = {
        "en": ["password", "account", "printer", "invoice", "folder", "sync", "login", "reset", "order", "refund"],
        "de": [
            "passwort",
            "konto",
            "drucker",
            "rechnung",
            "ordner",
            "sync",
            "anmelden",
            "zurücksetzen",
            "bestellung",
            "erstattung",
        ],
        "el": [
            "κωδικός",
            "λογαριασμός",
            "εκτυπωτής",
            "τιμολόγιο",
            "φάκελος",
            "συγχρονισμός",
            "σύνδεση",
            "επαναφορά",
            "παραγγελία",
        ],
    }
    for lang, vocab in words.items():
        _gz(root / "corpora" / f"{lang}.txt.gz", [" ".join(vocab[i:] + vocab[:i]) for i in range(len(vocab))] * 3)
    split = {}
    for lang in LANGS:
        records = []
        for i in range(6):
            aid = f"art{i}"
            test = i >= 4
            split[aid] = "test" if test else "train"
            marker = f" {FORBIDDEN}" if test else ""
            body = " ".join(words[lang][i : i + 4]) + marker
            title = words[lang][i] + marker
            records.append(json.dumps({"id": aid, "lang": lang, "title": title, "title_en": words["en"][i] + marker,
                                       "body": body}))  # fmt: skip
        _gz(root / "support-kb" / f"{lang}.jsonl.gz", records)
    (root / "support-kb" / "split.json").write_text(json.dumps(split))
    tatoeba = root / "tatoeba"
    tatoeba.mkdir(parents=True)
    for code in ("deu", "ell"):
        (tatoeba / f"tatoeba.{code}-eng.{code}").write_text(f"{FORBIDDEN} eins\n")
        (tatoeba / f"tatoeba.{code}-eng.eng").write_text(f"{FORBIDDEN} one\n")
    for lang in ("en", "de", "el"):
        write_xquad_file(
            root / "xquad-r" / f"{lang}.json.gz",
            [
                (
                    "Kept",
                    [paragraph([f"{words[lang][0]} one.", f"{words[lang][1]} two."], [("k1", words[lang][2], 0)])],
                ),
                ("Scored", [paragraph([f"{FORBIDDEN} three."], [("s1", f"{FORBIDDEN}?", 0)])]),
            ],
        )
    (root / "xquad-r" / "folds.json").write_text(json.dumps({"Kept": 1, "Scored": 0}))
    return root


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    return write_tiny_data(tmp_path / "data")
