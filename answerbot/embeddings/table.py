"""EmbeddingTable: a vocabulary and its vectors, loaded through named constructors.

Row order is the vocabulary order (most frequent first). The model adds its own padding and OOV
rows (``model.vocab``); a table holds words only. Words are stored normalised by
``answerbot.text.normalize`` so a table and the tokenizer always agree on spelling.

Formats: fastText ``.bin`` (through ``fasttext``; its subword n-grams can fill words missing from
the table, see ``extra_words``), ``.vec`` text (optionally ``.gz``, with or without the header line)
and our own folder (``vectors.npy`` + ``vocab.txt`` + ``manifest.json`` and, when known, the corpus
counts in ``counts.npy``). Every loader takes ``max_words`` and ``dtype`` (float32 or float16);
:meth:`EmbeddingTable.load` can memory-map the vectors.
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

__all__ = ["DTYPES", "EmbeddingTable", "TableError"]

MANIFEST = "manifest.json"
VECTORS = "vectors.npy"
VOCAB = "vocab.txt"
COUNTS = "counts.npy"
DTYPES = ("float32", "float16")
_HASH_ROWS = 65_536


class TableError(ValueError):
    """A table file is malformed or inconsistent; the message names the file and line."""


def _open_text(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="strict") as handle:
        try:
            yield from handle
        except UnicodeDecodeError as e:
            raise TableError(f"{path}: not UTF-8 text ({e}); convert the file to UTF-8") from e


def _normalise_word(word: str) -> str | None:
    """A table word in tokenizer spelling, or None when the tokenizer would not produce it as one token."""
    tokens = tokenize(word)
    return tokens[0] if len(tokens) == 1 else None


def _check_dtype(dtype: str) -> np.dtype:
    if str(dtype) not in DTYPES:
        raise TableError(f"dtype={dtype!r}: choose one of {', '.join(DTYPES)}")
    return np.dtype(dtype)


@dataclass
class EmbeddingTable:
    """Words and their vectors (float32 or float16), with the language they belong to.

    ``counts`` (optional) holds each word's corpus frequency; the ``weighted`` merge uses it.
    """

    words: list[str]
    vectors: np.ndarray
    lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    counts: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2:
            raise TableError(f"vectors must be 2-D [words, dim], got shape {self.vectors.shape}")
        if len(self.words) != self.vectors.shape[0]:
            raise TableError(
                f"{len(self.words)} words but {self.vectors.shape[0]} vectors: they must be the same length"
            )
        if self.counts is not None and len(self.counts) != len(self.words):
            raise TableError(f"{len(self.counts)} counts for {len(self.words)} words: give one count per word")
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

    def get(self, word: str) -> int | None:
        """Row of ``word``, or None."""
        return self._index.get(word)

    def vector(self, word: str) -> np.ndarray:
        return self.vectors[self._index[word]]

    def sha256(self) -> str:
        """Content hash over words and float32 vector bytes (names the table in manifests)."""
        digest = hashlib.sha256()
        digest.update("\n".join(self.words).encode("utf-8"))
        for start in range(0, len(self.words), _HASH_ROWS):  # chunks: no full float32 copy
            chunk = self.vectors[start : start + _HASH_ROWS]
            digest.update(np.ascontiguousarray(chunk, dtype=np.float32).tobytes())
        return digest.hexdigest()

    def astype(self, dtype: str) -> EmbeddingTable:
        """The same table with vectors in ``dtype`` (float32 or float16)."""
        vectors = np.asarray(self.vectors).astype(_check_dtype(dtype), copy=False)
        return EmbeddingTable(list(self.words), vectors, self.lang, dict(self.meta), self.counts)

    def head(self, max_words: int | None) -> EmbeddingTable:
        """The first (most frequent) ``max_words`` words; the table itself when None or not smaller."""
        if max_words is None or max_words >= len(self):
            return self
        counts = None if self.counts is None else self.counts[:max_words]
        return EmbeddingTable(self.words[:max_words], self.vectors[:max_words], self.lang, dict(self.meta), counts)

    # -- constructors ----------------------------------------------------------------------------
    @classmethod
    def from_words(
        cls,
        pairs: Iterable[tuple[str, np.ndarray]],
        lang: str | None,
        max_words: int | None = None,
        dtype: str = "float32",
        counts: Iterable[int] | None = None,
    ) -> EmbeddingTable:
        """Build from (word, vector) pairs in frequency order; words are normalised, first spelling wins."""
        np_dtype = _check_dtype(dtype)
        words: list[str] = []
        rows: list[np.ndarray] = []
        kept_counts: list[int] = []
        seen: set[str] = set()
        count_iter = iter(counts) if counts is not None else None
        for word, vector in pairs:
            count = next(count_iter) if count_iter is not None else 0
            norm = _normalise_word(word)
            if norm is None or norm in seen:
                continue
            seen.add(norm)
            words.append(norm)
            rows.append(np.asarray(vector, dtype=np.float32))
            kept_counts.append(int(count))
            if max_words is not None and len(words) >= max_words:
                break
        if not rows:
            raise TableError(f"no usable words for table {lang!r}: every word was empty or split by the tokenizer")
        vectors = np.stack(rows).astype(np_dtype, copy=False)
        if not np.isfinite(vectors).all():
            bad = words[int(np.flatnonzero(~np.isfinite(vectors).all(axis=1))[0])]
            raise TableError(f"table {lang!r}: word {bad!r} has a NaN or infinite value; retrain or drop it")
        table_counts = np.asarray(kept_counts, dtype=np.int64) if count_iter is not None else None
        return cls(words, vectors, lang, counts=table_counts)

    @classmethod
    def from_vec(
        cls, path: Path | str, lang: str | None, max_words: int | None = None, dtype: str = "float32"
    ) -> EmbeddingTable:
        """Load a fastText/word2vec ``.vec`` text file (``.gz`` too), with or without the header line."""
        path = Path(path)
        if not path.is_file():
            raise TableError(f"{path}: no such file; pass the path of a .vec file")

        def rows() -> Iterator[tuple[str, np.ndarray]]:
            dim: int | None = None
            for line_no, line in enumerate(_open_text(path), start=1):
                parts = line.rstrip("\n").rstrip("\r").rstrip(" ").split(" ")
                if line_no == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    dim = int(parts[1])
                    continue
                if len(parts) < 2 or not parts[0]:
                    raise TableError(f"{path}:{line_no}: expected 'word v1 v2 ...', got {line[:40]!r}")
                if dim is None:
                    dim = len(parts) - 1
                if len(parts) - 1 != dim:
                    raise TableError(f"{path}:{line_no}: word {parts[0]!r} has {len(parts) - 1} values, expected {dim}")
                try:
                    vector = np.asarray(parts[1:], dtype=np.float32)
                except ValueError as e:
                    raise TableError(f"{path}:{line_no}: non-numeric value for word {parts[0]!r}") from e
                if not np.isfinite(vector).all():
                    raise TableError(f"{path}:{line_no}: word {parts[0]!r} has a NaN or infinite value")
                yield parts[0], vector

        table = cls.from_words(rows(), lang, max_words, dtype)
        table.meta["source"] = str(path)
        return table

    @classmethod
    def from_fasttext(
        cls,
        model: Any,
        lang: str | None,
        max_words: int | None = None,
        dtype: str = "float32",
        extra_words: Iterable[str] = (),
    ) -> EmbeddingTable:
        """Take the words of a loaded ``fasttext`` model (frequency order) with their full vectors.

        ``extra_words`` (normalised, not already kept) are appended with vectors composed from the
        model's subword n-grams: words the corpus never had, or that ``max_words`` cut, still get a vector.
        """
        words, freqs = model.get_words(include_freq=True)
        keep = [(w, int(f)) for w, f in zip(words, freqs, strict=True) if w != "</s>"]
        pairs = ((w, model.get_word_vector(w)) for w, _ in keep)
        table = cls.from_words(pairs, lang, max_words, dtype, counts=(f for _, f in keep))
        extra = [w for w in dict.fromkeys(_normalise_word(x) for x in extra_words) if w and w not in table]
        if extra:
            vectors = np.stack([model.get_word_vector(w) for w in extra]).astype(table.vectors.dtype)
            counts = None if table.counts is None else np.concatenate([table.counts, np.zeros(len(extra), np.int64)])
            table = cls(table.words + extra, np.concatenate([table.vectors, vectors]), lang, table.meta, counts)
            table.meta["subword_filled"] = len(extra)
        return table

    @classmethod
    def from_bin(
        cls,
        path: Path | str,
        lang: str | None,
        max_words: int | None = None,
        dtype: str = "float32",
        extra_words: Iterable[str] = (),
    ) -> EmbeddingTable:
        """Load a fastText ``.bin`` model file and take its words (and subword-filled ``extra_words``)."""
        import fasttext

        path = Path(path)
        if not path.is_file():
            raise TableError(f"{path}: no such file; pass the path of a fastText .bin model")
        try:
            model = fasttext.load_model(str(path))
        except ValueError as e:
            raise TableError(f"{path}: not a fastText .bin model ({e})") from e
        table = cls.from_fasttext(model, lang, max_words, dtype, extra_words)
        table.meta["source"] = str(path)
        return table

    # -- own format ------------------------------------------------------------------------------
    def save(self, directory: Path | str) -> Path:
        """Write ``vectors.npy``, ``vocab.txt``, ``manifest.json`` (and ``counts.npy``) into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / VECTORS, self.vectors)
        (directory / VOCAB).write_text("\n".join(self.words) + "\n", encoding="utf-8")
        if self.counts is not None:
            np.save(directory / COUNTS, np.asarray(self.counts, dtype=np.int64))
        elif (directory / COUNTS).exists():
            (directory / COUNTS).unlink()
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
    def load(
        cls, directory: Path | str, mmap: bool = False, max_words: int | None = None, dtype: str | None = None
    ) -> EmbeddingTable:
        """Read a table written by :meth:`save`; ``mmap`` maps the vectors instead of reading them.

        ``dtype`` converts the vectors (a copy, so not with ``mmap``); ``max_words`` keeps the first words.
        """
        directory = Path(directory)
        for name in (VECTORS, VOCAB, MANIFEST):
            if not (directory / name).is_file():
                raise TableError(f"{directory / name}: missing; a table folder holds {VECTORS}, {VOCAB}, {MANIFEST}")
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise TableError(f"{directory / MANIFEST}:{e.lineno}: not valid JSON ({e.msg}); rebuild the table") from e
        if "dim" not in manifest:
            raise TableError(f"{directory / MANIFEST}: no 'dim' key; rebuild the table")
        words = (directory / VOCAB).read_text(encoding="utf-8").split("\n")[:-1]
        vectors = np.load(directory / VECTORS, mmap_mode="r" if mmap else None)
        if vectors.shape != (len(words), manifest["dim"]):
            raise TableError(
                f"{directory}: vectors.npy has shape {vectors.shape} but vocab.txt has {len(words)} words "
                f"and manifest.json says dim {manifest['dim']}; rebuild the table"
            )
        counts = np.load(directory / COUNTS) if (directory / COUNTS).is_file() else None
        meta = {k: v for k, v in manifest.items() if k not in {"lang", "words", "dim", "dtype", "sha256"}}
        table = cls(words, vectors, manifest.get("lang"), meta, counts).head(max_words)
        if dtype is not None and np.dtype(_check_dtype(dtype)) != table.vectors.dtype:
            if mmap:
                raise TableError(f"{directory}: dtype={dtype} needs a copy; load without mmap to convert")
            table = table.astype(dtype)
        return table
