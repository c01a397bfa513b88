"""Monolingual sentences from the shared data's task sets, beside the corpora: questions people ask.

The corpora are mostly product documentation; these sets bring the everyday and question-like language
that tickets (and Tatoeba-like sentences) are written in. Sources, per language:

- ``qa``: questions and context sentences of the qa-train sets (SQuAD files, iapp's JSONL, MedQuAD);
- ``xsid``: xSID's assistant utterances (valid and test files; xSID is not one of our benchmarks);
- ``intents``: Banking77 and CLINC150 customer requests (English);
- ``faq``: the COVID FAQ banks' questions.

Nothing here is a benchmark's test set (Tatoeba, the support KB and XQuAD-R are not read).
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from answerbot.data.jsonl import DataError
from answerbot.data.squad import read_squad, sentence_spans

__all__ = ["SENTENCE_SOURCES", "task_sentences"]

#: qa-train SQuAD-format files by language.
_SQUAD = {
    "ar": ["arcd/arcd-train.json"],
    "fr": ["piaf-ml-fr-faq/clients/crpa/knowledge_base/squad.json"],
    "ja": ["jsquad/valid-v1.3.json.gz"],
    "pt": ["faquad/data/train.json"],
    "tr": ["tquad/train-v0.1.json.gz"],
    "vi": ["zalo-mailong25-vi/Dataset/old/squad-v2.0-mailong25.json.gz"],
    "zh": ["cmrc2018/cmrc2018_dev.json.gz", "drcd/DRCD_dev.json.gz"],
}
_XSID = {"ar", "de", "en", "it", "ja", "tr", "zh"}


def _open(path: Path) -> Iterator[str]:
    if not path.is_file():
        raise DataError(f"{path}: no such file; is --data-dir pointing at shared/data?")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from handle


def _qa(data_dir: Path, lang: str) -> Iterator[str]:
    root = data_dir / "qa-train"
    for name in _SQUAD.get(lang, []):
        seen_paragraphs: set[str] = set()
        for item in read_squad(root / name):
            yield item.question
            if item.paragraph not in seen_paragraphs:
                seen_paragraphs.add(item.paragraph)
                yield from (item.paragraph[s:e] for s, e in sentence_spans(item.paragraph))
    if lang == "th":
        for line in _open(root / "iapp-wiki-qa" / "train.jsonl.gz"):
            record = json.loads(line)
            yield from (record.get("question", ""), record.get("context", "")[:500])
    if lang == "en":
        for line in _open(root / "medquad" / "medquad_pairs_with_answers.jsonl.gz"):
            yield json.loads(line).get("question", "")


def _xsid(data_dir: Path, lang: str) -> Iterator[str]:
    if lang not in _XSID:
        return
    for split in ("valid", "test"):
        for line in _open(data_dir / "xsid" / f"{lang}.{split}.conll"):
            if line.startswith("# text = "):
                text = line.removeprefix("# text = ").strip()
                # zh and ja are segmented with spaces; the tokenizer joins them, the teacher wants raw text
                yield text.replace(" ", "") if lang in {"ja", "zh"} else text


def _intents(data_dir: Path, lang: str) -> Iterator[str]:
    if lang != "en":
        return
    yield from (row["text"] for row in csv.DictReader(_open(data_dir / "banking77" / "train.csv")))
    clinc = json.loads("".join(_open(data_dir / "clinc150" / "data_full.json.gz")))
    yield from (text for text, _ in clinc.get("train", []))


def _faq(data_dir: Path, lang: str) -> Iterator[str]:
    rows = csv.DictReader(_open(data_dir / "covid-faq" / "faq_200327.tsv"), delimiter="\t")
    yield from (row["question"] for row in rows if row.get("lang") == lang)


SENTENCE_SOURCES: dict[str, Callable[[Path, str], Iterator[str]]] = {
    "qa": _qa,
    "xsid": _xsid,
    "intents": _intents,
    "faq": _faq,
}


def task_sentences(data_dir: Path, lang: str, sources: Sequence[str], limit: int | None = None) -> list[str]:
    """Distinct non-empty sentences of ``lang`` from the named ``sources``, at most ``limit``."""
    unknown = sorted(set(sources) - set(SENTENCE_SOURCES))
    if unknown:
        raise DataError(f"sentence sources {unknown}: choose from {sorted(SENTENCE_SOURCES)}")
    out: dict[str, None] = {}
    for source in sources:
        for text in SENTENCE_SOURCES[source](Path(data_dir), lang):
            text = " ".join(text.split())
            if text and len(text) <= 2000:
                out.setdefault(text)
                if limit is not None and len(out) >= limit:
                    return list(out)
    return list(out)
