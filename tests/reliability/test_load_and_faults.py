"""Short load and encoder fault runs against real processes on loopback (the long ones: bench/reliability.py).

One stack per module: the TF Serving stand-in (subprocess, the tiny model) and the API (uvicorn subprocess,
``ANSWERBOT_ENCODER=grpc``) with two accounts: ``strict`` (503 when the encoder is down) and ``lenient``
(``lexical_fallback``: BM25 results flagged ``"fallback": "lexical"``).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import ARTICLES
from tests.reliability.harness import Proc, percentiles, run_load, seed_account, start_api, start_serving_host

SERVING_DEADLINE_S = 2.0
REQUEST_DEADLINE_S = 20.0  # generous: a shared 2-core machine; the bound the API must answer within
TEXTS = ["I forgot my password", "where is my refund", "download my invoice", "wann kommt mein Paket", "2fa login"]


@dataclass
class Stack:
    host: Proc
    model_root: Path
    work: Path
    api: Proc | None = None
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        assert self.api is not None
        return f"http://127.0.0.1:{self.api.port}"


@pytest.fixture(scope="module")
def stack(tiny_model_root: Path, tmp_path_factory) -> Iterator[Stack]:
    work = tmp_path_factory.mktemp("reliability")
    s = Stack(start_serving_host(tiny_model_root, work / "host.log"), tiny_model_root, work)
    try:
        env = {
            "ANSWERBOT_ENCODER": "grpc",
            "ANSWERBOT_SERVING_GRPC_TARGET": f"127.0.0.1:{s.host.port}",
            "ANSWERBOT_SERVING_DEADLINE_S": str(SERVING_DEADLINE_S),
            "ANSWERBOT_SERVING_RETRIES": "1",
            "ANSWERBOT_RETRY_AFTER_S": "1",
            "ANSWERBOT_STORE_PATH": str(work / "store.sqlite"),
            "ANSWERBOT_SCORE_THRESHOLD": "-1",
        }
        s.api = start_api(env, work / "api.log")
        s.keys["strict"] = seed_account(s.base, "strict", ARTICLES)
        s.keys["lenient"] = seed_account(s.base, "lenient", ARTICLES, lexical_fallback=True)
        yield s
    finally:
        if s.api is not None:
            s.api.stop()
        s.host.stop()


def test_short_load_has_no_errors_and_reports_percentiles(stack: Stack) -> None:
    outcomes = asyncio.run(
        run_load(stack.base, stack.keys, TEXTS, clients=16, seconds=4.0, deadline_s=REQUEST_DEADLINE_S)
    )
    statuses = {o.status for o in outcomes}
    assert statuses == {200}, [o for o in outcomes if o.status != 200][:3]
    assert len(outcomes) >= 16
    assert all(o.fallback is None for o in outcomes)
    figures = percentiles(outcomes)
    assert all(math.isfinite(v) and v > 0 for v in figures.values()), figures
    assert figures["p50_ms"] <= figures["p99_ms"] <= figures["max_ms"] < REQUEST_DEADLINE_S * 1000
    print(f"\nshort load: {len(outcomes)} requests, 16 clients, {figures}")


def _post(stack: Stack, account: str) -> httpx.Response:
    return httpx.post(
        f"{stack.base}/v1/accounts/{account}/recommendations",
        json={"enquiry": "reset my password"},
        headers={"X-API-Key": stack.keys[account]},
        timeout=REQUEST_DEADLINE_S,
    )


def test_serving_host_killed_under_load_then_restarted(stack: Stack) -> None:
    events: dict[str, float] = {}

    def chaos() -> None:
        time.sleep(1.5)
        events["killed"] = time.monotonic()
        stack.host.kill()  # SIGKILL, mid-load
        time.sleep(3.0)
        stack.host = start_serving_host(stack.model_root, stack.work / "host.log", port=stack.host.port)
        events["restarted"] = time.monotonic()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if _post(stack, "strict").status_code == 200:
                events["recovered"] = time.monotonic()
                break
            time.sleep(0.2)
        time.sleep(1.5)  # more load after recovery

    outcomes = asyncio.run(
        run_load(stack.base, stack.keys, TEXTS, clients=8, seconds=0.0, deadline_s=REQUEST_DEADLINE_S, during=chaos)
    )
    assert "recovered" in events, "the API did not answer 200 within 60 s of the serving host's restart"
    late = [o for o in outcomes if o.status == 0]
    assert not late, f"{len(late)} requests got no answer within {REQUEST_DEADLINE_S} s: {late[:3]}"
    assert {o.status for o in outcomes} <= {200, 503}, sorted({o.status for o in outcomes})
    unavailable = [o for o in outcomes if o.status == 503]
    assert unavailable, "no request saw the encoder down; the kill did not take effect under load"
    assert all(o.account == "strict" for o in unavailable), "lexical_fallback account got a 503"
    assert all(o.retry_after is not None and int(o.retry_after) >= 1 for o in unavailable)
    lexical = [o for o in outcomes if o.fallback == "lexical"]
    assert lexical and all(o.account == "lenient" for o in lexical)
    assert all(events["killed"] <= o.ended and o.started <= events["restarted"] + 5 for o in lexical)
    after = [o for o in outcomes if o.started > events["recovered"] + 0.5]
    assert after and all(o.status == 200 and o.fallback is None for o in after), after[:3]
    print(
        f"\nfault: {len(outcomes)} requests; {len(unavailable)} x 503+Retry-After, {len(lexical)} lexical; "
        f"recovered {events['recovered'] - events['restarted']:.2f} s after restart; "
        f"max latency {max(o.seconds for o in outcomes):.2f} s"
    )
