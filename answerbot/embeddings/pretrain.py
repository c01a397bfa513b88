"""Pre-train a per-language fastText table from a plain-text corpus (one sentence per line)."""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answerbot.embeddings.table import EmbeddingTable, TableError
from answerbot.text import tokenize

__all__ = ["PretrainConfig", "prepare_corpus", "pretrain_table", "train_fasttext"]

MIN_FASTTEXT_THREADS = 10


@dataclass(frozen=True)
class PretrainConfig:
    """fastText settings for ``train_unsupervised``."""

    model: str = "skipgram"
    dim: int = 100
    epochs: int = 5
    min_count: int = 3
    threads: int = 2
    max_lines: int | None = None
    max_words: int | None = 50_000
    bucket: int = 2_000_000
    save_bin: bool = True

    def __post_init__(self) -> None:
        if self.model not in {"skipgram", "cbow"}:
            raise ValueError(f"model={self.model!r}: choose 'skipgram' or 'cbow'")
        for name in ("dim", "epochs", "min_count", "threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)}: must be a positive integer")


def prepare_corpus(source: Path, target: Path, max_lines: int | None = None) -> int:
    """Tokenize ``source`` (plain or ``.gz``) with the serving tokenizer into ``target``; return line count.

    fastText then sees exactly the tokens the model will see: zh/ja/th segmentation spaces are
    joined and re-split into character bigrams, punctuation is dropped, text is lower-cased.
    """
    if not source.is_file():
        raise TableError(f"{source}: corpus not found; pass a text file with one sentence per line")
    opener = gzip.open if source.suffix == ".gz" else open
    lines = 0
    with opener(source, "rt", encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
        for line in src:
            tokens = tokenize(line)
            if tokens:
                out.write(" ".join(tokens) + "\n")
                lines += 1
                if max_lines is not None and lines >= max_lines:
                    break
    if lines == 0:
        raise TableError(f"{source}: no tokens found; is it an empty or binary file?")
    return lines


def train_fasttext(corpus: Path, **params: Any) -> Any:
    """``fasttext.train_unsupervised`` with at least 10 threads.

    fastText 0.9.x initialises its input matrix in 10 blocks, one per thread
    (``DenseMatrix::uniformThread``): with fewer than 10 threads the other blocks keep whatever
    memory held, and training stops with "Encountered NaN" most of the time (measured here: 5 of 6
    runs with 1 thread, 6 of 6 with 2; 0 of 12 with 10 or more). Ten threads on fewer cores only
    time-share; the model is trained the same way.
    """
    import fasttext

    params["thread"] = max(int(params.get("thread", 1)), MIN_FASTTEXT_THREADS)
    try:
        return fasttext.train_unsupervised(str(corpus), **params)
    except RuntimeError as e:
        raise TableError(f"{corpus}: fastText stopped: {e}; try a lower learning rate (lr)") from e


def pretrain_table(
    corpus: Path,
    lang: str,
    out_dir: Path,
    config: PretrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> EmbeddingTable:
    """Train fastText on ``corpus`` and save the table (and the ``.bin`` model) into ``out_dir``."""
    config = config or PretrainConfig()
    say = progress or (lambda _msg: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / f"{lang}.txt"
        say(f"{lang}: tokenizing {corpus.name}")
        lines = prepare_corpus(Path(corpus), prepared, config.max_lines)
        say(f"{lang}: fastText {config.model} dim={config.dim} epochs={config.epochs} on {lines} lines")
        model = train_fasttext(
            prepared,
            model=config.model,
            dim=config.dim,
            epoch=config.epochs,
            minCount=config.min_count,
            thread=config.threads,
            bucket=config.bucket,
            verbose=0,
        )
    if config.save_bin:  # keeps the subword vectors, for words missing from the table
        model.save_model(str(out_dir / "model.bin"))
    table = EmbeddingTable.from_fasttext(model, lang, config.max_words)
    table.meta.update(
        {
            "source": str(corpus),
            "corpus_lines": lines,
            "fasttext": {
                "model": config.model,
                "dim": config.dim,
                "epochs": config.epochs,
                "min_count": config.min_count,
            },
        }
    )
    table.save(out_dir)
    say(f"{lang}: {len(table)} words x {table.dim} -> {out_dir}")
    return table
