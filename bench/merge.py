"""Merge bench: 6 synthetic tables x 200 k words x 300 dims, every strategy; time and peak memory.

Targets (issue 3): merge <= 30 s, peak memory <= 2x the merged table.

The tables are written once to a scratch folder in our format and loaded memory-mapped, as
``answerbot embeddings merge`` does. Each strategy runs in a fresh subprocess; a sampling thread
reads ``RssAnon`` (anonymous memory: what the merge allocates, not the page cache of the mapped
inputs) every 5 ms. Reported: load + merge time (input sha256 for the manifest included), save
time, peak anonymous memory over the pre-load baseline, and its ratio to the merged table's bytes.
Each table shares 40 % of its words with a common pool, so about a fifth of the union collides.

    .venv/bin/python bench/merge.py                       # full size
    .venv/bin/python bench/merge.py --words 20000 --dim 50  # quick look
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

STRATEGIES = ["priority", "mean", "weighted", "tagged", "route"]
RESULT = Path(__file__).parent / "results" / "merge.json"


def rss_anon_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    return 0


def make_tables(folder: Path, tables: int, words: int, dim: int, shared: float) -> None:
    from answerbot.embeddings.table import EmbeddingTable

    rng = np.random.default_rng(0)
    pool = [f"s{j}" for j in range(words)]
    n_shared = int(words * shared)
    for t in range(tables):
        picks = rng.choice(words, n_shared, replace=False)
        vocab = [pool[j] for j in picks] + [f"l{t}w{i}" for i in range(words - n_shared)]
        order = rng.permutation(words)
        vectors = rng.standard_normal((words, dim), dtype=np.float32)
        counts = np.sort(rng.zipf(1.3, words))[::-1].astype(np.int64)
        table = EmbeddingTable([vocab[i] for i in order], vectors, f"l{t}", counts=counts)
        table.save(folder / f"l{t}")


def run_one(folder: Path, strategy: str, out: Path) -> dict:
    from answerbot.embeddings.merge import merge_tables
    from answerbot.embeddings.table import EmbeddingTable

    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_anon_kb())
            time.sleep(0.005)

    base = rss_anon_kb()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    tables = [EmbeddingTable.load(p, mmap=True) for p in sorted(folder.iterdir()) if p.is_dir()]
    loaded = time.perf_counter()
    merged = merge_tables(tables, strategy)
    merged_at = time.perf_counter()
    stop.set()
    sampler.join()
    merged.save(out)
    saved = time.perf_counter()
    merged_bytes = merged.vectors.nbytes
    return {
        "strategy": merged.meta["strategy"],
        "merged_words": len(merged),
        "colliding_words": merged.meta["counts"]["colliding_words"],
        "merged_mb": round(merged_bytes / 2**20, 1),
        "load_s": round(loaded - started, 2),
        "merge_s": round(merged_at - loaded, 2),
        "load_merge_s": round(merged_at - started, 2),
        "save_s": round(saved - merged_at, 2),
        "peak_anon_mb": round((peak[0] - base) / 1024, 1),
        "peak_ratio": round((peak[0] - base) * 1024 / merged_bytes, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=6)
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--shared", type=float, default=0.4)
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--out", type=Path, default=RESULT)
    parser.add_argument("--worker", nargs=3, metavar=("FOLDER", "STRATEGY", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        folder, strategy, out = args.worker
        print(json.dumps(run_one(Path(folder), strategy, Path(out))))
        return
    with tempfile.TemporaryDirectory(prefix="merge-bench-") as tmp:
        folder = Path(tmp) / "tables"
        t0 = time.perf_counter()
        make_tables(folder, args.tables, args.words, args.dim, args.shared)
        print(f"made {args.tables} tables x {args.words} words x {args.dim} in {time.perf_counter() - t0:.1f} s")
        rows = []
        for strategy in args.strategies.split(","):
            proc = subprocess.run(
                [sys.executable, __file__, "--worker", str(folder), strategy, str(Path(tmp) / f"merged-{strategy}")],
                check=True,
                capture_output=True,
                text=True,
            )
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    header = [
        "strategy",
        "merged_words",
        "colliding_words",
        "merged_mb",
        "load_merge_s",
        "save_s",
        "peak_anon_mb",
        "peak_ratio",
    ]
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row[h]) for h in header))
    result = {
        "bench": "merge",
        "settings": {"tables": args.tables, "words": args.words, "dim": args.dim, "shared": args.shared},
        "targets": {"load_merge_s": 30, "peak_ratio": 2.0},
        "machine": {"python": platform.python_version(), "cpu_count": __import__("os").cpu_count()},
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
