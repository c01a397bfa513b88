"""API load: throughput and p50/p99 latency of recommendations at 1, 16 and 32 concurrent clients.

A uvicorn server (subprocess, 127.0.0.1, free port, SQLite store in a temporary folder) serves one account
of 1,000 articles (the demo KB cycled with variant suffixes). Clients are httpx async clients in this
process, each on its own connection, posting demo tickets for a fixed time per level (bounded).

Also measured in this process:

- the raw encoder throughput (in-process SavedModel, no HTTP) at batch 1 and at the micro-batch limit;
  the API/encoder ratio divides the best API throughput by the raw throughput at batch 1 (one call per
  ticket, what a server without micro-batching could at best do) and at the micro-batch limit (the ceiling);
- exact top-10 over 100,000 random unit vectors of the model's dimension (``answerbot.index.top_k``)
  against the plain matrix-vector product over the same matrix.

    .venv/bin/python bench/api_load.py [--model-root serving/models/answerbot] [--seconds 6]

Uses the newest version under ``--model-root`` when one exists, else trains the tests' tiny model.
Writes ``bench/results/api_load.json`` and prints a table. Client and server share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
ADMIN_KEY = "bench-admin-key-0123456789"
CONCURRENCY = (1, 16, 32)
ARTICLES = 1000
TOPK_ROWS = 100_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def model_root(requested: Path, work: Path) -> Path:
    """``requested`` when it holds a numeric version, else the tests' tiny model exported under ``work``."""
    if requested.is_dir() and any(p.name.isdigit() for p in requested.iterdir()):
        return requested
    sys.path.insert(0, str(REPO))
    from answerbot.model.export import export_model
    from tests.tiny_model import train_tiny_model

    export_model(train_tiny_model(work / "tiny-run", epochs=30), work / "tiny-models")
    return work / "tiny-models"


def articles_1k() -> list[dict[str, Any]]:
    from answerbot.demo.data import load_kb

    kb = load_kb()
    out = []
    for i in range(ARTICLES):
        a = kb[i % len(kb)]
        variant = i // len(kb)
        out.append(
            {
                "id": f"{a.id}-{variant}",
                "title": a.title if variant == 0 else f"{a.title} ({variant})",
                "body": a.body if variant == 0 else f"{a.body} Variant {variant}.",
                "locale": a.locale,
                "labels": list(a.labels),
            }
        )
    return out


def enquiries() -> list[str]:
    from answerbot.demo.data import load_tickets

    return [t.text for t in load_tickets()]


def start_server(root: Path, work: Path, port: int, micro_batch_max: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ANSWERBOT_MODEL_ROOT": str(root),
        "ANSWERBOT_STORE_PATH": str(work / "bench.sqlite"),
        "ANSWERBOT_ADMIN_KEY": ADMIN_KEY,
        "ANSWERBOT_SCORE_THRESHOLD": "-1",
        "ANSWERBOT_MAX_BULK_ARTICLES": str(ARTICLES),
        "ANSWERBOT_MICRO_BATCH_MAX": str(micro_batch_max),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    log = (work / "server.log").open("wb")
    command = [sys.executable, "-m", "uvicorn", "--factory", "answerbot.api.main:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with {server.returncode}; see {work / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    server.kill()
    raise RuntimeError("server not ready within 180 s")


async def load_level(base: str, key: str, texts: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Each client posts tickets back to back for ``seconds`` (after 1 s of warm-up)."""
    latencies: list[float] = []
    errors = 0
    warm_until = time.perf_counter() + 1.0
    stop_at = warm_until + seconds

    async def client(offset: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=30) as c:
            i = offset
            while True:
                started = time.perf_counter()
                if started >= stop_at:
                    return
                r = await c.post("/v1/accounts/bench/recommendations", json={"enquiry": texts[i % len(texts)]})
                done = time.perf_counter()
                i += clients
                if started >= warm_until:
                    if r.status_code == 200:
                        latencies.append(done - started)
                    else:
                        errors += 1

    await asyncio.gather(*(client(n) for n in range(clients)))
    lat = np.asarray(latencies) * 1000
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "throughput_rps": len(latencies) / seconds,
        "p50_ms": float(np.percentile(lat, 50)),
        "p99_ms": float(np.percentile(lat, 99)),
    }


def raw_encoder(root: Path, texts: list[str], batch: int, seconds: float) -> float:
    from answerbot.encoders.inprocess import SavedModelEncoder

    encoder = SavedModelEncoder.latest(root)
    encoder.encode(texts[:batch])
    n, i, started = 0, 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        chunk = [texts[(i + j) % len(texts)] for j in range(batch)]
        encoder.encode(chunk)
        n += batch
        i += batch
    return n / (time.perf_counter() - started)


def topk_vs_matvec(dim: int, reps: int = 30) -> dict[str, float]:
    from answerbot.index import top_k

    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((TOPK_ROWS, dim)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    queries = [q / np.linalg.norm(q) for q in rng.standard_normal((reps, dim)).astype(np.float32)]

    def median(fn) -> float:
        fn(queries[0])
        times = []
        for q in queries:
            started = time.perf_counter()
            fn(q)
            times.append(time.perf_counter() - started)
        return float(np.median(times)) * 1000

    matvec = median(lambda q: matrix @ q)
    exact = median(lambda q: top_k(q, matrix, 10))
    return {"rows": TOPK_ROWS, "dim": dim, "matvec_ms": matvec, "top10_ms": exact, "ratio": exact / matvec}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-root", type=Path, default=REPO / "serving/models/answerbot")
    parser.add_argument("--seconds", type=float, default=6.0, help="measured seconds per concurrency level")
    parser.add_argument("--micro-batch-max", type=int, default=32)
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/api_load.json")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    texts = enquiries()
    with tempfile.TemporaryDirectory(prefix="answerbot-bench-") as tmp:
        work = Path(tmp)
        root = model_root(args.model_root, work)
        port = free_port()
        server = start_server(root, work, port, args.micro_batch_max)
        base = f"http://127.0.0.1:{port}"
        try:
            created = httpx.post(
                f"{base}/v1/accounts", json={"account_id": "bench"}, headers={"X-API-Key": ADMIN_KEY}, timeout=30
            )
            created.raise_for_status()
            key = created.json()["api_key"]
            started = time.perf_counter()
            upload = httpx.put(
                f"{base}/v1/accounts/bench/articles",
                json={"articles": articles_1k()},
                headers={"X-API-Key": key},
                timeout=300,
            )
            upload.raise_for_status()
            load_seconds = time.perf_counter() - started
            levels = [asyncio.run(load_level(base, key, texts, c, args.seconds)) for c in CONCURRENCY]
            metrics = httpx.get(f"{base}/metrics", timeout=10).text
        finally:
            server.terminate()
            server.wait(timeout=30)
        batch_sum = _metric(metrics, "answerbot_encoder_batch_size_sum")
        batch_count = _metric(metrics, "answerbot_encoder_batch_size_count")
        raw1 = raw_encoder(root, texts, 1, 3.0)
        raw_max = raw_encoder(root, texts, args.micro_batch_max, 3.0)
        from answerbot.encoders.inprocess import SavedModelEncoder

        encoder = SavedModelEncoder.latest(root)
        topk = topk_vs_matvec(encoder.dim)
    best = max(level["throughput_rps"] for level in levels)
    result = {
        "command": "python bench/api_load.py " + " ".join(sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "model": {"root": str(root), "name": encoder.model_name, "version": encoder.model_version, "dim": encoder.dim},
        "articles": ARTICLES,
        "upload_seconds": load_seconds,
        "seconds_per_level": args.seconds,
        "levels": levels,
        "mean_encoder_batch": batch_sum / batch_count if batch_count else None,
        "raw_encoder_texts_per_s": {"batch_1": raw1, f"batch_{args.micro_batch_max}": raw_max},
        "api_over_raw_batch_1": best / raw1,
        f"api_over_raw_batch_{args.micro_batch_max}": best / raw_max,
        "topk": topk,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"model {encoder.model_name} v{encoder.model_version} (dim {encoder.dim}), {ARTICLES} articles")
    print(f"{'clients':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for level in levels:
        print(
            f"{level['clients']:>8} {level['throughput_rps']:>8.1f} {level['p50_ms']:>8.1f} "
            f"{level['p99_ms']:>8.1f} {level['errors']:>7}"
        )
    print(f"mean encoder batch in the server: {result['mean_encoder_batch']:.2f}")
    print(f"raw encoder texts/s: batch 1 {raw1:.0f}, batch {args.micro_batch_max} {raw_max:.0f}")
    print(f"API / raw: {best / raw1:.2f} (vs batch 1), {best / raw_max:.2f} (vs batch {args.micro_batch_max})")
    print(
        f"top-10 of {TOPK_ROWS} x {topk['dim']}: {topk['top10_ms']:.2f} ms vs matvec {topk['matvec_ms']:.2f} ms "
        f"= {topk['ratio']:.2f}x"
    )
    print(f"wrote {args.out}")


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


if __name__ == "__main__":
    main()
