"""EmbeddingTable: a vocabulary and its vectors, loaded through named constructors.

Row order is the vocabulary order. The model adds its own padding and OOV rows (``model.vocab``);
a table holds words only. Words are stored normalised by ``answerbot.text.normalize`` so a table
and the tokenizer always agree on spelling.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from answerbot.text import tokenize

__all__ = ["EmbeddingTable", "TableError"]

MANIFEST = "manifest.json"
VECTORS = "vectors.npy"
VOCAB = "vocab.txt"


class TableError(ValueError):
    """A table file is malformed or inconsistent; the message names the file and line."""


def _open_text(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="strict") as handle:
        yield from handle


def _normalise_word(word: str) -> str | None:
    """A table word in tokenizer spelling, or None when the tokenizer would not produce it as one token."""
    tokens = tokenize(word)
    return tokens[0] if len(tokens) == 1 else None


@dataclass
class EmbeddingTable:
    """Words and their vectors (float32 or float16), with the language they belong to."""

    words: list[str]
    vectors: np.ndarray
    lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2:
            raise TableError(f"vectors must be 2-D [words, dim], got shape {self.vectors.shape}")
        if len(self.words) != self.vectors.shape[0]:
            raise TableError(
                f"{len(self.words)} words but {self.vectors.shape[0]} vectors: they must be the same length"
            )
        self._index = {word: i for i, word in enumerate(self.words)}
        if len(self._index) != len(self.words):
            dup = next(w for w, n in Counter(self.words).items() if n > 1)
            raise TableError(f"duplicate word {dup!r} in table {self.lang or ''}: words must be unique")

    # -- accessors -------------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def index(self, word: str) -> int:
        return self._index[word]

    def vector(self, word: str) -> np.ndarray:
        return self.vectors[self._index[word]]

    def sha256(self) -> str:
        """Content hash over words and vector bytes (names the table in manifests)."""
        digest = hashlib.sha256()
        digest.update("\n".join(self.words).encode("utf-8"))
        digest.update(np.ascontiguousarray(self.vectors, dtype=np.float32).tobytes())
        return digest.hexdigest()

    # -- constructors ----------------------------------------------------------------------------
    @classmethod
    def from_words(
        cls, pairs: Iterable[tuple[str, np.ndarray]], lang: str | None, max_words: int | None = None
    ) -> EmbeddingTable:
        """Build from (word, vector) pairs in frequency order; words are normalised, first spelling wins."""
        words: list[str] = []
        rows: list[np.ndarray] = []
        seen: set[str] = set()
        for word, vector in pairs:
            norm = _normalise_word(word)
            if norm is None or norm in seen:
                continue
            seen.add(norm)
            words.append(norm)
            rows.append(np.asarray(vector, dtype=np.float32))
            if max_words is not None and len(words) >= max_words:
                break
        if not rows:
            raise TableError(
                f"no usable words for table {lang!r}: every word was empty or split by the tokenizer"
            )
        return cls(words, np.stack(rows), lang)

    @classmethod
    def from_vec(cls, path: Path | str, lang: str | None, max_words: int | None = None) -> EmbeddingTable:
        """Load a fastText/word2vec ``.vec`` text file (``.gz`` too), with or without the header line."""
        path = Path(path)
        if not path.is_file():
            raise TableError(f"{path}: no such file; pass the path of a .vec file")

        def rows() -> Iterator[tuple[str, np.ndarray]]:
            dim: int | None = None
            for line_no, line in enumerate(_open_text(path), start=1):
                parts = line.rstrip("\n").rstrip(" ").split(" ")
                if line_no == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    dim = int(parts[1])
                    continue
                if len(parts) < 2:
                    raise TableError(f"{path}:{line_no}: expected 'word v1 v2 ...', got {line[:40]!r}")
                if dim is None:
                    dim = len(parts) - 1
                if len(parts) - 1 != dim:
                    raise TableError(
                        f"{path}:{line_no}: word {parts[0]!r} has {len(parts) - 1} values, expected {dim}"
                    )
                try:
                    vector = np.asarray(parts[1:], dtype=np.float32)
                except ValueError as e:
                    raise TableError(f"{path}:{line_no}: non-numeric value for word {parts[0]!r}") from e
                yield parts[0], vector

        table = cls.from_words(rows(), lang, max_words)
        table.meta["source"] = str(path)
        return table

    @classmethod
    def from_fasttext(cls, model: Any, lang: str | None, max_words: int | None = None) -> EmbeddingTable:
        """Take the words of a loaded ``fasttext`` model (frequency order) with their full vectors."""
        words = model.get_words(include_freq=False)
        pairs = ((w, model.get_word_vector(w)) for w in words if w != "</s>")
        return cls.from_words(pairs, lang, max_words)

    @classmethod
    def from_bin(cls, path: Path | str, lang: str | None, max_words: int | None = None) -> EmbeddingTable:
        """Load a fastText ``.bin`` model file and take its words."""
        import fasttext

        path = Path(path)
        if not path.is_file():
            raise TableError(f"{path}: no such file; pass the path of a fastText .bin model")
        try:
            model = fasttext.load_model(str(path))
        except ValueError as e:
            raise TableError(f"{path}: not a fastText .bin model ({e})") from e
        table = cls.from_fasttext(model, lang, max_words)
        table.meta["source"] = str(path)
        return table

    # -- own format ------------------------------------------------------------------------------
    def save(self, directory: Path | str) -> Path:
        """Write ``vectors.npy``, ``vocab.txt`` and ``manifest.json`` into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / VECTORS, self.vectors)
        (directory / VOCAB).write_text("\n".join(self.words) + "\n", encoding="utf-8")
        manifest = {
            "lang": self.lang,
            "words": len(self.words),
            "dim": self.dim,
            "dtype": str(self.vectors.dtype),
            "sha256": self.sha256(),
            **self.meta,
        }
        (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        return directory

    @classmethod
    def load(cls, directory: Path | str, mmap: bool = False) -> EmbeddingTable:
        """Read a table written by :meth:`save`; ``mmap`` maps the vectors instead of reading them."""
        directory = Path(directory)
        for name in (VECTORS, VOCAB, MANIFEST):
            if not (directory / name).is_file():
                raise TableError(
                    f"{directory / name}: missing; a table folder holds {VECTORS}, {VOCAB}, {MANIFEST}"
                )
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        words = (directory / VOCAB).read_text(encoding="utf-8").split("\n")[:-1]
        vectors = np.load(directory / VECTORS, mmap_mode="r" if mmap else None)
        if vectors.shape != (len(words), manifest["dim"]):
            raise TableError(
                f"{directory}: vectors.npy has shape {vectors.shape} but vocab.txt has {len(words)} words "
                f"and manifest.json says dim {manifest['dim']}; rebuild the table"
            )
        meta = {k: v for k, v in manifest.items() if k not in {"lang", "words", "dim", "dtype", "sha256"}}
        return cls(words, vectors, manifest.get("lang"), meta)
