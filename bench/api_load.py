"""API load from an external load generator (``wrk``): recommendations per second, latency, CPU per request.

The bench starts what ``make run`` serves, in a temporary folder: ``answerbot demo load`` (demo accounts,
hybrid scoring on, the demo KB in a fresh SQLite store), then ``answerbot serve`` on a free loopback
port, and drives ``POST /v1/accounts/acme-cloud/recommendations`` (72 articles) with ``wrk``: a Lua
script posts the demo tickets of that account (``--enquiries``: ``english`` cycles its 12 English
tickets, ``all`` all 69, ``one`` repeats the first English one), over ``--connections`` keep-alive
connections, after a warm-up. wrk runs in its own process, not in this one.

Reported, all from one run:

- requests/s, p50/p99 latency (wrk's histogram), errors (socket errors and non-2xx answers);
- server CPU per request: utime + stime of the server and all its descendants (worker processes, and
  the TF Serving stand-in with ``--encoder grpc``) from ``/proc/<pid>/stat`` before and after the
  measured run, split into user and system time; the machine's CPU shares from ``/proc/stat``;
- the raw in-process encoder's texts/s at batch 1 and 32 on the same texts (after the server stopped),
  and API / raw encoder;
- the load average (``os.getloadavg``) at start and end: the machine is shared;
- exact top-10 over 100,000 unit vectors (``answerbot.index.top_k``) against the plain matrix-vector product.

With ``--encoder grpc`` the API encodes through ``python -m answerbot.serving_host`` (batching on, as
``serving/batching.config`` says). ``--workers N`` is passed to ``answerbot serve``. ``--profile DIR``
runs the load once more under ``py-spy record`` (not during the measured run) and writes a flame graph
and the collapsed stacks there.

    .venv/bin/python bench/api_load.py [--connections 16] [--seconds 10] [--encoder inprocess|grpc]

The load generator must be installed (``apt-get install -y wrk``); without it the bench refuses to run.
Writes ``bench/results/api_load.json`` (``--out``) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ACCOUNT = "acme-cloud"
ADMIN_KEY = "bench-admin-key-0123456789"
INSTALL_HINT = "install it with `apt-get install -y wrk` (Debian/Ubuntu) or put `wrk` on PATH"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "{key}"
local bodies = {bodies}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "{path}", nil, bodies[(counter % #bodies) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nANSWERBOT_WRK {{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %f, "max_us": %d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


def require_wrk() -> str:
    """The path of ``wrk``; exits with a clear message (and status 2) when it is not installed."""
    path = shutil.which("wrk")
    if path is None:
        print(
            f"bench/api_load.py: the load generator `wrk` is not on PATH; {INSTALL_HINT}. "
            "The bench drives the server from a separate load generator and does not fall back to Python clients.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def enquiries(kind: str) -> list[str]:
    rows = [json.loads(line) for line in (REPO / "answerbot/demo/tickets.jsonl").read_text("utf-8").splitlines()]
    rows = [r for r in rows if r["account"] == ACCOUNT]
    english = [r["text"] for r in rows if r["locale"] == "en"]
    return {"one": english[:1], "english": english, "all": [r["text"] for r in rows]}[kind]


# --- CPU accounting from /proc ---------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from "state" on (the name may hold spaces)


def process_tree(root: int) -> list[int]:
    """``root`` and its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(roots: list[int]) -> dict[str, float]:
    """User and system CPU seconds of the process trees under ``roots`` (reaped children included)."""
    user = system = 0.0
    for root in roots:
        for pid in process_tree(root):
            fields = _stat_fields(pid)
            if fields is None:
                continue
            # utime, stime, cutime, cstime are fields 14-17 of /proc/<pid>/stat (index 11-14 from "state")
            user += (int(fields[11]) + int(fields[13])) / CLOCK_TICKS
            system += (int(fields[12]) + int(fields[14])) / CLOCK_TICKS
    return {"user": user, "system": system}


def machine_cpu() -> dict[str, int]:
    """The machine's CPU time counters (jiffies) from the first line of /proc/stat."""
    names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
    values = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    return dict(zip(names, map(int, values), strict=False))


def machine_shares(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    delta = {k: after[k] - before[k] for k in before}
    total = sum(delta.values()) or 1
    return {
        "user": (delta["user"] + delta["nice"]) / total,
        "system": (delta["system"] + delta["irq"] + delta["softirq"]) / total,
        "idle": (delta["idle"] + delta["iowait"]) / total,
        "steal": delta["steal"] / total,
    }


# --- the stack under test --------------------------------------------------------------------------


@dataclass
class Stack:
    """The running server (and stand-in): where to send requests, whose CPU to count."""

    base: str
    server: subprocess.Popen[bytes]
    stand_in: subprocess.Popen[bytes] | None
    work: Path

    @property
    def pids(self) -> dict[str, int]:
        """The process trees whose CPU counts: the API server, and the stand-in when there is one."""
        pids = {"api": self.server.pid}
        if self.stand_in is not None:
            pids["stand_in"] = self.stand_in.pid
        return pids


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 240.0) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready within {timeout_s:.0f} s; see {log}")


def _wait_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 240.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the TF Serving stand-in exited with {process.returncode}; see {log}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the TF Serving stand-in did not open port {port} within {timeout_s:.0f} s; see {log}")


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_stack(
    model_root: Path, work: Path, encoder: str, workers: int | None, stand_in_batching: bool = True
) -> Iterator[Stack]:
    """Demo KB loaded into a fresh store, then ``answerbot serve`` (and the stand-in for gRPC)."""
    env = {
        **os.environ,
        "ANSWERBOT_MODEL_ROOT": str(model_root),
        "ANSWERBOT_STORE_PATH": str(work / "answerbot.sqlite"),
        "ANSWERBOT_ADMIN_KEY": ADMIN_KEY,
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    env.pop("ANSWERBOT_STORE_URL", None)
    answerbot = str(Path(sys.executable).with_name("answerbot"))
    loaded = subprocess.run([answerbot, "demo", "load"], env=env, capture_output=True, text=True, timeout=900)
    if loaded.returncode != 0:
        raise RuntimeError(f"`answerbot demo load` failed:\n{loaded.stdout}\n{loaded.stderr}")
    stand_in = None
    if encoder == "grpc":
        grpc_port = free_port()
        log = work / "stand-in.log"
        command = [sys.executable, "-m", "answerbot.serving_host", "--model_base_path", str(model_root)]
        command += ["--port", str(grpc_port), "--rest_api_port", "0"]
        if stand_in_batching:
            command += ["--enable_batching=true", "--batching_parameters_file", str(REPO / "serving/batching.config")]
        stand_in = subprocess.Popen(command, cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        _wait_port(grpc_port, stand_in, log)
        env |= {"ANSWERBOT_ENCODER": "grpc", "ANSWERBOT_SERVING_GRPC_TARGET": f"127.0.0.1:{grpc_port}"}
    port = free_port()
    command = [answerbot, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    log = work / "server.log"
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        _wait_ready(f"http://127.0.0.1:{port}/readyz", server, log)
        yield Stack(f"http://127.0.0.1:{port}", server, stand_in, work)
    finally:
        _stop(server)
        _stop(stand_in)


# --- load ------------------------------------------------------------------------------------------


def write_script(work: Path, texts: list[str]) -> Path:
    bodies = "{" + ", ".join(_lua_string(json.dumps({"enquiry": t}, ensure_ascii=False)) for t in texts) + "}"
    path = f"/v1/accounts/{ACCOUNT}/recommendations"
    script = work / "recommend.lua"
    script.write_text(WRK_SCRIPT.format(key=f"demo-key-{ACCOUNT}", bodies=bodies, path=path), encoding="utf-8")
    return script


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def run_wrk(wrk: str, stack: Stack, script: Path, connections: int, threads: int, seconds: float) -> dict[str, Any]:
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--latency", "--timeout", "30s"]
    command += ["-s", str(script), stack.base]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    marker = [line for line in done.stdout.splitlines() if line.startswith("ANSWERBOT_WRK ")]
    if done.returncode != 0 or not marker:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    stats = json.loads(marker[-1].removeprefix("ANSWERBOT_WRK "))
    seconds_run = stats["duration_us"] / 1e6
    errors = sum(stats[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": stats["requests"],
        "seconds": seconds_run,
        "requests_per_s": stats["requests"] / seconds_run,
        "p50_ms": stats["p50_us"] / 1000,
        "p90_ms": stats["p90_us"] / 1000,
        "p99_ms": stats["p99_us"] / 1000,
        "mean_ms": stats["mean_us"] / 1000,
        "max_ms": stats["max_us"] / 1000,
        "errors": errors,
        "error_kinds": {k: stats[k] for k in ("connect", "read", "write", "status", "timeout")},
        "wrk_output": done.stdout.strip().splitlines()[:12],
    }


def measured_run(wrk: str, stack: Stack, script: Path, args: argparse.Namespace) -> dict[str, Any]:
    run_wrk(wrk, stack, script, args.connections, args.threads, args.warmup)
    before, machine_before = {name: cpu_seconds([pid]) for name, pid in stack.pids.items()}, machine_cpu()
    result = run_wrk(wrk, stack, script, args.connections, args.threads, args.seconds)
    after, machine_after = {name: cpu_seconds([pid]) for name, pid in stack.pids.items()}, machine_cpu()
    per_process = {name: {k: after[name][k] - before[name][k] for k in ("user", "system")} for name in before}
    used = {k: sum(p[k] for p in per_process.values()) for k in ("user", "system")}
    requests = max(result["requests"], 1)
    result["server_cpu_seconds"] = {**used, "per_process": per_process}
    result["server_cpu_ms_per_request"] = {
        "total": 1000 * (used["user"] + used["system"]) / requests,
        "user": 1000 * used["user"] / requests,
        "system": 1000 * used["system"] / requests,
        **{f"{name}_total": 1000 * (p["user"] + p["system"]) / requests for name, p in per_process.items()},
    }
    result["server_cpu_utilisation"] = (used["user"] + used["system"]) / result["seconds"]
    result["machine_cpu_shares"] = machine_shares(machine_before, machine_after)
    return result


def profile(wrk: str, stack: Stack, script: Path, args: argparse.Namespace, out: Path) -> dict[str, str]:
    """Load the server again while ``py-spy`` samples it (not during the measured run)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        raise SystemExit(f"--profile needs py-spy: {Path(sys.executable).with_name('pip')} install py-spy")
    out.mkdir(parents=True, exist_ok=True)
    duration = int(args.seconds)
    files = {"flamegraph": out / "api_profile.svg", "collapsed": out / "api_profile.txt"}
    record = [py_spy, "record", "-p", str(stack.server.pid), "-d", str(duration), "-r", "200"]
    record += ["--nonblocking", "--subprocesses"]
    recorders = [
        subprocess.Popen(
            [*record, "-f", fmt, "-o", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        for fmt, path in (("flamegraph", files["flamegraph"]), ("raw", files["collapsed"]))
    ]
    time.sleep(1.0)
    run_wrk(wrk, stack, script, args.connections, args.threads, duration)
    for recorder in recorders:
        recorder.wait(timeout=120)
    return {k: str(v) for k, v in files.items()}


# --- raw encoder -----------------------------------------------------------------------------------


def raw_encoder(model_root: Path, texts: list[str], batch: int, seconds: float) -> float:
    """Texts/s of the in-process encoder of the newest version under ``model_root`` at ``batch``."""
    from answerbot.encoders.inprocess import SavedModelEncoder

    encoder = SavedModelEncoder.latest(model_root)
    chunks = [[texts[(i + j) % len(texts)] for j in range(batch)] for i in range(0, len(texts) * batch, batch)]
    encoder.encode(chunks[0])
    n, i, started = 0, 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        encoder.encode(chunks[i % len(chunks)])
        n, i = n + batch, i + 1
    return n / (time.perf_counter() - started)


def topk_vs_matvec(dim: int, rows: int = 100_000, reps: int = 30) -> dict[str, float]:
    """Exact top-10 over ``rows`` unit vectors (``answerbot.index.top_k``) against the plain matrix-vector product."""
    import numpy as np

    from answerbot.index import top_k

    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((rows, dim)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    queries = [q / np.linalg.norm(q) for q in rng.standard_normal((reps, dim)).astype(np.float32)]

    def median_ms(fn: Any) -> float:
        fn(queries[0])
        times = []
        for q in queries:
            started = time.perf_counter()
            fn(q)
            times.append(time.perf_counter() - started)
        return float(np.median(times)) * 1000

    matvec = median_ms(lambda q: matrix @ q)
    exact = median_ms(lambda q: top_k(q, matrix, 10))
    return {"rows": rows, "dim": dim, "matvec_ms": matvec, "top10_ms": exact, "ratio": exact / matvec}


def encoder_batches(base: str) -> float | None:
    """The mean encoder batch inside the server, from its Prometheus metrics (None when not exported)."""
    import urllib.request

    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    values = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in {"answerbot_encoder_batch_size_sum", "answerbot_encoder_batch_size_count"}:
            values[name] = float(value)
    count = values.get("answerbot_encoder_batch_size_count")
    return values["answerbot_encoder_batch_size_sum"] / count if count else None


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring")
    parser.add_argument("--enquiries", choices=("one", "english", "all"), default="english")
    parser.add_argument("--encoder", choices=("inprocess", "grpc"), default="inprocess")
    parser.add_argument(
        "--no-stand-in-batching", action="store_true", help="with --encoder grpc: the stand-in without batching"
    )
    parser.add_argument("--workers", type=int, default=None, help="passed to `answerbot serve --workers`")
    parser.add_argument("--model-root", type=Path, default=REPO / "serving/models/answerbot")
    parser.add_argument("--raw-seconds", type=float, default=3.0, help="seconds per raw encoder measurement")
    parser.add_argument("--profile", type=Path, default=None, help="also profile the server with py-spy into DIR")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/api_load.json")
    args = parser.parse_args(argv)
    wrk = require_wrk()
    if not any(p.name.isdigit() for p in args.model_root.glob("*")):
        parser.error(f"{args.model_root}: no model version; build the demo model with `answerbot demo build`")
    sys.path.insert(0, str(REPO))
    texts = enquiries(args.enquiries)
    load_at_start = load_average()
    with tempfile.TemporaryDirectory(prefix="answerbot-api-load-") as tmp:
        work = Path(tmp)
        script = write_script(work, texts)
        batching = not args.no_stand_in_batching
        with running_stack(args.model_root, work, args.encoder, args.workers, batching) as stack:
            load = measured_run(wrk, stack, script, args)
            load["mean_encoder_batch"] = encoder_batches(stack.base)
            profiled = profile(wrk, stack, script, args, args.profile) if args.profile else None
    raw = {str(b): raw_encoder(args.model_root, texts, b, args.raw_seconds) for b in (1, 32)}
    from answerbot.model.export import read_metadata

    version = max((p for p in args.model_root.glob("*") if p.name.isdigit()), key=lambda p: int(p.name))
    meta = read_metadata(version)
    result = {
        "command": "python bench/api_load.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_avg_at_start": load_at_start,
            "load_avg_at_end": load_average(),
        },
        "model": {"root": str(args.model_root), "version": version.name, "graph": meta.get("graph", "keras")},
        "setup": {
            "account": ACCOUNT,
            "hybrid": True,
            "enquiries": args.enquiries,
            "distinct_texts": len(texts),
            "connections": args.connections,
            "wrk_threads": args.threads,
            "encoder": args.encoder,
            "stand_in_batching": (not args.no_stand_in_batching) if args.encoder == "grpc" else None,
            "workers": args.workers,
            "store": "sqlite",
        },
        "load": load,
        "raw_encoder_texts_per_s": raw,
        "api_over_raw_batch_1": load["requests_per_s"] / raw["1"],
        "api_over_raw_batch_32": load["requests_per_s"] / raw["32"],
        "topk": topk_vs_matvec(int(meta["dim"])),
    }
    if profiled:
        result["profile"] = profiled
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_summary(result)
    return result


def print_summary(result: dict[str, Any]) -> None:
    load, setup, machine = result["load"], result["setup"], result["machine"]
    cpu = load["server_cpu_ms_per_request"]
    batching = {None: "", True: " (stand-in batching)", False: " (stand-in not batching)"}[setup["stand_in_batching"]]
    shares = load["machine_cpu_shares"]
    print(
        f"wrk -c{setup['connections']} -t{setup['wrk_threads']}, {load['seconds']:.1f} s, encoder {setup['encoder']}"
        f"{batching}, "
        f"workers {setup['workers'] or 1}, enquiries {setup['enquiries']} ({setup['distinct_texts']} texts), "
        f"model v{result['model']['version']} ({result['model']['graph']} graph)"
    )
    print(f"load average {machine['load_avg_at_start'][0]:.2f} at start, {machine['load_avg_at_end'][0]:.2f} at end")
    print(f"{'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'CPU ms/req':>11} {'user':>6} {'system':>7}")
    print(
        f"{load['requests_per_s']:8.1f} {load['p50_ms']:8.1f} {load['p99_ms']:8.1f} {load['errors']:7d} "
        f"{cpu['total']:11.2f} {cpu['user']:6.2f} {cpu['system']:7.2f}"
    )
    print(
        f"server CPU {100 * load['server_cpu_utilisation']:.0f}% of one core; machine: "
        f"user {100 * shares['user']:.0f}%, system {100 * shares['system']:.0f}%, idle {100 * shares['idle']:.0f}%"
    )
    if "stand_in_total" in cpu:
        print(f"CPU ms/req: API {cpu['api_total']:.2f}, TF Serving stand-in {cpu['stand_in_total']:.2f}")
    if load.get("mean_encoder_batch") is not None:
        print(f"mean encoder batch in the server: {load['mean_encoder_batch']:.2f}")
    raw = result["raw_encoder_texts_per_s"]
    print(f"raw encoder texts/s: batch 1 {raw['1']:.0f}, batch 32 {raw['32']:.0f}")
    print(f"API / raw encoder: {result['api_over_raw_batch_1']:.2f} (batch 1), {result['api_over_raw_batch_32']:.2f}")
    topk = result["topk"]
    print(
        f"top-10 of {topk['rows']} x {topk['dim']}: {topk['top10_ms']:.2f} ms vs matvec {topk['matvec_ms']:.2f} ms "
        f"= {topk['ratio']:.2f}x"
    )


if __name__ == "__main__":
    main()
