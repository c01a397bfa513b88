"""Loopback processes and load for the reliability tests and ``bench/reliability.py``.

Everything binds 127.0.0.1; every loop is bounded by a deadline; processes are killed by their own pid.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

__all__ = [
    "ADMIN_KEY",
    "REPO",
    "Outcome",
    "Proc",
    "free_port",
    "percentiles",
    "run_load",
    "seed_account",
    "start_api",
    "start_serving_host",
    "wait_for_port",
]

REPO = Path(__file__).resolve().parents[2]
ADMIN_KEY = "reliability-admin-key-0123456789"
_QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "GRPC_VERBOSITY": "ERROR", "PYTHONUNBUFFERED": "1"}


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Proc:
    """A child process with its log file; ``kill()`` sends SIGKILL to this pid only."""

    popen: subprocess.Popen[bytes]
    log: Path
    port: int

    def kill(self) -> None:
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, n: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""


def _spawn(command: list[str], env: dict[str, str], log: Path, port: int) -> Proc:
    out = log.open("ab")
    popen = subprocess.Popen(command, cwd=REPO, env={**os.environ, **_QUIET, **env}, stdout=out, stderr=out)
    out.close()
    return Proc(popen, log, port)


def wait_for_port(proc: Proc, timeout_s: float = 180.0) -> None:
    """Until ``proc`` accepts TCP connections on its port; RuntimeError with its log if it exits or times out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"process exited with {proc.popen.returncode}:\n{proc.tail()}")
        try:
            with socket.create_connection(("127.0.0.1", proc.port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"port {proc.port} not open within {timeout_s} s:\n{proc.tail()}")


def _start_with_retries(make: Callable[[int], Proc], ready: Callable[[Proc], None], port: int | None) -> Proc:
    """Start on ``port`` (or a free one); a fresh free port is tried again when binding lost a race."""
    last: Exception | None = None
    for attempt in range(3):
        proc = make(port if port is not None else free_port())
        try:
            ready(proc)
            return proc
        except RuntimeError as e:
            last = e
            proc.kill()
            if port is not None and attempt == 2:
                break
            time.sleep(0.5)
    raise RuntimeError(f"could not start after 3 attempts: {last}")


def start_serving_host(model_root: Path, log: Path, port: int | None = None) -> Proc:
    """``python -m answerbot.serving_host`` (gRPC only) over ``model_root``; returns once its port is open."""

    def make(p: int) -> Proc:
        command = [sys.executable, "-m", "answerbot.serving_host", "--model_base_path", str(model_root)]
        command += ["--port", str(p), "--rest_api_port", "0", "--host", "127.0.0.1"]
        return _spawn(command, {}, log, p)

    return _start_with_retries(make, lambda proc: wait_for_port(proc), port)


def start_api(env: dict[str, str], log: Path, timeout_s: float = 240.0, workers: int | None = None) -> Proc:
    """uvicorn with ``create_app`` and ``env`` (ANSWERBOT_*) on a free loopback port; returns once /readyz is 200.

    With ``workers``, ``answerbot serve --workers N`` instead (the supervisor's pid; its workers are children).
    """

    def make(p: int) -> Proc:
        if workers is None:
            command = [sys.executable, "-m", "uvicorn", "--factory", "answerbot.api.main:create_app"]
            command += ["--host", "127.0.0.1", "--port", str(p), "--log-level", "warning", "--no-access-log"]
        else:
            command = [str(Path(sys.executable).parent / "answerbot"), "serve", "--host", "127.0.0.1"]
            command += ["--port", str(p), "--workers", str(workers)]
        return _spawn(command, {"ANSWERBOT_ADMIN_KEY": ADMIN_KEY, "ANSWERBOT_LOG_JSON": "false", **env}, log, p)

    def ready(proc: Proc) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if proc.popen.poll() is not None:
                raise RuntimeError(f"API exited with {proc.popen.returncode}:\n{proc.tail()}")
            try:
                if httpx.get(f"http://127.0.0.1:{proc.port}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"API not ready within {timeout_s} s:\n{proc.tail()}")

    return _start_with_retries(make, ready, None)


def seed_account(base: str, account: str, articles: Sequence[dict[str, Any]], **settings: Any) -> str:
    """Create ``account`` (admin key) with ``settings``, upload ``articles`` in bulk; returns its API key."""
    admin = {"X-API-Key": ADMIN_KEY}
    with httpx.Client(base_url=base, timeout=120) as client:
        created = client.post("/v1/accounts", json={"account_id": account, **settings}, headers=admin)
        created.raise_for_status()
        key: str = created.json()["api_key"]
        for start in range(0, len(articles), 500):
            chunk = list(articles[start : start + 500])
            client.put(f"/v1/accounts/{account}/articles", json={"articles": chunk}, headers=admin).raise_for_status()
    return key


@dataclass(frozen=True)
class Outcome:
    """One request: when it started and ended (monotonic s), its status (0: transport error) and body/headers."""

    account: str
    started: float
    ended: float
    status: int
    retry_after: str | None = None
    fallback: str | None = None
    error: str | None = None
    interaction_id: str | None = None

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class _Stop:
    at: float
    flag: asyncio.Event = field(default_factory=asyncio.Event)


async def run_load(
    base: str,
    keys: dict[str, str],
    texts: Sequence[str],
    clients: int,
    seconds: float,
    deadline_s: float,
    during: Callable[[], Any] | None = None,
) -> list[Outcome]:
    """``clients`` httpx clients post recommendations back to back for ``seconds`` (bounded), cycling accounts.

    Each request has a client timeout of ``deadline_s``; one that exceeds it is recorded with status 0.
    ``during`` (blocking) runs in a thread meanwhile; the load stops when ``seconds`` pass and ``during`` is done.
    """
    outcomes: list[Outcome] = []
    accounts = list(keys)
    stop = _Stop(time.monotonic() + seconds)

    async def client(n: int) -> None:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=base, timeout=deadline_s, limits=limits) as c:
            i = n
            while time.monotonic() < stop.at or (during is not None and not stop.flag.is_set()):
                account = accounts[i % len(accounts)]
                body = {"enquiry": texts[i % len(texts)]}
                started = time.monotonic()
                try:
                    r = await c.post(
                        f"/v1/accounts/{account}/recommendations", json=body, headers={"X-API-Key": keys[account]}
                    )
                    ended = time.monotonic()
                    body = r.json() if r.status_code == 200 else {}
                    retry_after = r.headers.get("retry-after")
                    outcomes.append(
                        Outcome(
                            account,
                            started,
                            ended,
                            r.status_code,
                            retry_after,
                            body.get("fallback"),
                            interaction_id=body.get("interaction_id"),
                        )
                    )
                except httpx.HTTPError as e:
                    outcomes.append(Outcome(account, started, time.monotonic(), 0, error=repr(e)))
                i += clients

    async def side() -> None:
        if during is not None:
            try:
                await asyncio.to_thread(during)
            finally:
                stop.flag.set()

    await asyncio.gather(side(), *(client(n) for n in range(clients)))
    return outcomes


def percentiles(outcomes: Sequence[Outcome], status: int | None = 200) -> dict[str, float]:
    """p50 / p90 / p99 / max latency in ms of the outcomes with ``status`` (all when None)."""
    lat = np.asarray([o.seconds for o in outcomes if status is None or o.status == status]) * 1000
    if lat.size == 0:
        return {"p50_ms": float("nan"), "p90_ms": float("nan"), "p99_ms": float("nan"), "max_ms": float("nan")}
    p50, p90, p99 = np.percentile(lat, [50, 90, 99])
    return {"p50_ms": float(p50), "p90_ms": float(p90), "p99_ms": float(p99), "max_ms": float(lat.max())}
