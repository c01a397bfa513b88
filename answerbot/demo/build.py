"""Build the demo model end to end: tables -> merged table -> dual encoder -> SavedModel -> evaluation."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from answerbot.data.records import Pair
from answerbot.data.support_kb import read_split, read_support_kb
from answerbot.demo.data import DemoArticle, DemoTicket, load_kb, load_tickets
from answerbot.demo.evaluate import evaluate_tickets
from answerbot.embeddings.merge import merge_tables
from answerbot.embeddings.pretrain import PretrainConfig, pretrain_table
from answerbot.embeddings.table import EmbeddingTable
from answerbot.model.training import TrainConfig

__all__ = ["DemoBuild", "build_demo", "demo_pairs"]

#: Languages of the demo KB in merge priority order (English first: its loanwords recur elsewhere).
DEMO_LANGUAGES = ("en", "de", "es", "fr", "ru", "ja")
SUPPORT_KB_LANGUAGES = {"ar", "de", "el", "es", "fr", "it", "ja", "pt", "ru", "th", "tr", "vi", "zh"}


@dataclass
class DemoBuild:
    """Where the demo's artifacts go, and how they are made."""

    data_dir: Path
    tables_dir: Path = Path("embeddings/tables")
    merged_dir: Path = Path("embeddings/merged/demo")
    run_dir: Path = Path("var/runs/demo")
    model_root: Path = Path("serving/models/answerbot")
    report_path: Path = Path("var/demo_eval.json")
    strategy: str = "priority"
    kb_pairs_per_language: int = 600
    demo_repeats: int = 3
    pretrain: PretrainConfig = field(
        default_factory=lambda: PretrainConfig(
            model="cbow", dim=100, epochs=5, max_lines=100_000, max_words=50_000, bucket=200_000, save_bin=False
        )
    )
    train: TrainConfig = field(default_factory=lambda: TrainConfig(epochs=15, batch_size=64, max_tokens=96))


def demo_pairs(
    kb: Sequence[DemoArticle], tickets: Sequence[DemoTicket], data_dir: Path, per_language: int, repeats: int = 1
) -> list[Pair]:
    """Training pairs: demo titles and train-split tickets -> their article (``repeats`` times, so the
    small in-domain set is not drowned), plus support-KB train titles -> body."""
    by_key = {a.key: a for a in kb}
    in_domain = [Pair(a.title, a.text, a.key) for a in kb]
    in_domain += [Pair(t.text, by_key[t.article_key].text, t.article_key) for t in tickets if t.split == "train"]
    pairs = in_domain * repeats
    split = read_split(data_dir)
    languages = sorted({a.locale for a in kb} & SUPPORT_KB_LANGUAGES)
    for lang in languages:
        train_articles = [a for a in read_support_kb(data_dir, lang) if split.get(a.id) == "train" and a.body]
        pairs += [Pair(a.title, a.body, f"support-kb/{lang}/{a.id}") for a in train_articles[:per_language]]
    return pairs


def _tables(build: DemoBuild, languages: Sequence[str], say: Callable[[str], None]) -> list[EmbeddingTable]:
    tables = []
    for lang in languages:
        folder = build.tables_dir / lang
        if (folder / "manifest.json").is_file():
            say(f"{lang}: table exists in {folder}")
            tables.append(EmbeddingTable.load(folder))
            continue
        corpus = build.data_dir / "corpora" / f"{lang}.txt.gz"
        tables.append(pretrain_table(corpus, lang, folder, build.pretrain, progress=say))
    return tables


def _log_epoch(event: dict[str, Any], say: Callable[[str], None]) -> None:
    if event["event"] == "epoch":
        say(f"  epoch {event['epoch']}: loss {event['loss']:.3f} ({event['seconds']:.0f} s)")


def build_demo(build: DemoBuild, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Run every step; skip tables that exist. Returns (and writes) the evaluation report."""
    from answerbot.model.export import export_model
    from answerbot.model.training import train_dual_encoder

    started = time.perf_counter()
    kb, tickets = load_kb(), load_tickets()
    present = {a.locale for a in kb}
    languages = [lang for lang in DEMO_LANGUAGES if lang in present] + sorted(present - set(DEMO_LANGUAGES))
    tables = _tables(build, languages, say)
    merged = merge_tables(tables, build.strategy)
    merged.save(build.merged_dir)
    counts = merged.meta["counts"]
    say(f"merged {len(tables)} tables ({build.strategy}): {counts['words']} words, {counts['colliding_words']} collide")
    pairs = demo_pairs(kb, tickets, build.data_dir, build.kb_pairs_per_language, build.demo_repeats)
    say(f"training on {len(pairs)} pairs for {build.train.epochs} epochs")
    model = train_dual_encoder(
        pairs,
        merged,
        build.run_dir,
        build.train,
        progress=lambda e: (
            e["event"] == "epoch" and say(f"  epoch {e['epoch']}: loss {e['loss']:.3f} ({e['seconds']:.0f} s)")
        ),
    )
    model.save(build.run_dir)
    version_dir = export_model(model, build.model_root, extra={"trained_on": "demo"})
    say(f"exported {version_dir}")
    held_out = [t for t in tickets if t.split == "test"]
    report = {
        "model_version": version_dir.name,
        "train_pairs": len(pairs),
        "train_seconds": model.record["train_seconds"],
        "build_seconds": time.perf_counter() - started,
        "all_locales": evaluate_tickets(kb, held_out, model.encode),
        "same_locale": evaluate_tickets(kb, held_out, model.encode, same_locale=True),
    }
    build.report_path.parent.mkdir(parents=True, exist_ok=True)
    build.report_path.write_text(json.dumps(report, indent=2) + "\n")
    return report
