"""An on-disk cache of teacher vectors keyed by the SHA-256 of the text, so reruns do not re-encode.

One SQLite file per teacher name (``<cache_dir>/<name>.sqlite``): a key is the first 16 bytes of the
text's SHA-256, a value the float32 bytes of its vector. Vectors come back bit for bit as stored.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from answerbot.teacher.base import Teacher, TeacherError

__all__ = ["CachedTeacher", "VectorCache", "text_key"]

_CHUNK = 900  # SQLite's default limit on bound parameters is 999


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:16]


class VectorCache:
    """float32 vectors of one dimension, stored by text key."""

    def __init__(self, path: Path | str, dim: int) -> None:
        self.path, self.dim = Path(path), dim
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        row = self._db.execute("SELECT value FROM meta WHERE key = 'dim'").fetchone()
        if row is None:
            with self._db:
                self._db.execute("INSERT INTO meta VALUES ('dim', ?)", (str(dim),))
        elif int(row[0]) != dim:
            raise TeacherError(f"{self.path}: holds {row[0]}-d vectors, not {dim}-d; delete it or pick another cache")

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        if rows.shape != (len(keys), self.dim):
            raise TeacherError(f"{self.path}: got vectors of shape {rows.shape} for {len(keys)} keys of dim {self.dim}")
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                ((k, r.tobytes()) for k, r in zip(keys, rows, strict=True)),
            )

    def close(self) -> None:
        self._db.close()


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) + ".sqlite"


class CachedTeacher:
    """A teacher whose vectors are looked up in a :class:`VectorCache` first; new texts are encoded
    once (duplicates in a call too) and stored in chunks of ``flush_every`` texts."""

    def __init__(
        self,
        teacher: Teacher,
        cache_dir: Path | str,
        flush_every: int = 4096,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.teacher = teacher
        self.cache = VectorCache(Path(cache_dir) / _file_name(teacher.name), teacher.dim)
        self.flush_every = flush_every
        self.progress = progress

    @property
    def name(self) -> str:
        return self.teacher.name

    @property
    def dim(self) -> int:
        return self.teacher.dim

    @property
    def languages(self) -> frozenset[str]:
        return self.teacher.languages

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        missing = list({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        for start in range(0, len(missing), self.flush_every):
            chunk = missing[start : start + self.flush_every]
            vectors = self.teacher.encode([t for _, t in chunk])
            self.cache.put_many([k for k, _ in chunk], vectors)
            found.update({k: v for (k, _), v in zip(chunk, vectors, strict=True)})
            if self.progress:
                self.progress(min(start + self.flush_every, len(missing)), len(missing))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out

    def close(self) -> None:
        self.cache.close()
