"""Reliability (issue 8), the long runs: load, encoder fault, SIGKILL during bulk writes, fuzz.

- load: a uvicorn API (subprocess, 127.0.0.1, in-process demo model, demo KB in a temporary SQLite store,
  as ``answerbot demo load`` sets it up) under ``--clients`` httpx clients for ``--load-seconds``;
  0 errors expected, latency percentiles recorded.
- fault: the TF Serving stand-in (subprocess, demo model) and a gRPC API on a copy of that store, under
  load; the stand-in is SIGKILLed and restarted on the same port ``--fault-cycles`` times. Every request must
  answer within its deadline: 200, 503 + Retry-After, or (account ``acme-cloud``, ``lexical_fallback``) 200
  flagged ``"fallback": "lexical"``; the API recovers without a restart.
- postgres: the API on PostgreSQL (a database of its own, demo KB) under ``--fault-clients`` recommendation
  clients and one article writer; PostgreSQL itself is stopped for ``--pg-down-s`` and started again
  ``--pg-cycles`` times (``pg_ctlcluster``; every database of the server goes down, so keep it short). While it
  is down every request answers 503 with Retry-After (the first ``ANSWERBOT_CACHE_MAX_AGE_S`` may still answer
  200 from the caches, their interactions queued); the API recovers without a restart; after a clean shutdown
  every acknowledged article and interaction is in the store. Skipped when PostgreSQL or ``pg_ctlcluster`` is
  missing.
- crash: ``--crash-rounds`` SIGKILLs of a bulk writer on SQLite and on PostgreSQL (skipped when unreachable).
- fuzz: hypothesis text inputs and schemathesis in process, >= 2,000 requests, 0 server errors.

    .venv/bin/python bench/reliability.py [--load-seconds 300] [--clients 32] [--quick] [--only postgres,...]

Writes ``bench/results/reliability.json`` and prints a table. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.reliability.harness import (  # noqa: E402
    ADMIN_KEY,
    Outcome,
    Proc,
    percentiles,
    run_load,
    start_api,
    start_serving_host,
)

FALLBACK_ACCOUNT = "acme-cloud"
REQUEST_DEADLINE_S = 30.0


def demo_store(model_root: Path, work: Path) -> tuple[Path, dict[str, str], list[str]]:
    """The demo KB loaded into ``work/demo.sqlite``; returns the path, account keys and ticket texts."""
    from answerbot.demo.data import load_tickets
    from answerbot.demo.load import demo_key, load_demo_kb
    from answerbot.settings import Settings

    path = work / "demo.sqlite"
    counts = load_demo_kb(Settings(store_path=path, model_root=model_root, admin_key=ADMIN_KEY))
    keys = {account: demo_key(account) for account in counts}
    return path, keys, [t.text for t in load_tickets()]


def _statuses(outcomes: list[Outcome]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(Counter(o.status for o in outcomes).items())}


def bench_load(model_root: Path, store: Path, keys: dict[str, str], texts: list[str], args: Any) -> dict[str, Any]:
    env = {
        "ANSWERBOT_MODEL_ROOT": str(model_root),
        "ANSWERBOT_STORE_PATH": str(store),
        "ANSWERBOT_SCORE_THRESHOLD": "-1",
    }
    api = start_api(env, store.parent / "load-api.log")
    try:
        base = f"http://127.0.0.1:{api.port}"
        outcomes = asyncio.run(run_load(base, keys, texts, args.clients, args.load_seconds, REQUEST_DEADLINE_S))
    finally:
        api.stop()
    errors = [o for o in outcomes if o.status != 200]
    return {
        "clients": args.clients,
        "seconds": args.load_seconds,
        "requests": len(outcomes),
        "errors": len(errors),
        "statuses": _statuses(outcomes),
        "throughput_rps": len(outcomes) / args.load_seconds,
        **percentiles(outcomes),
    }


def _answers(outcomes: list[Outcome]) -> dict[str, Any]:
    """How the requests of a fault run were answered: statuses, late ones, unexpected ones, 503s."""
    unavailable = [o for o in outcomes if o.status == 503]
    return {
        "requests": len(outcomes),
        "statuses": _statuses(outcomes),
        "no_answer_within_deadline": sum(o.status == 0 for o in outcomes),
        "unexpected": sum(o.status not in (200, 503) for o in outcomes),
        "unavailable_503": len(unavailable),
        "unavailable_without_retry_after": sum(o.retry_after is None for o in unavailable),
    }


def _recovered(base: str, account: str, key: str, text: str, within_s: float = 120.0) -> dict[str, float]:
    """``{"recovered": when}`` once a recommendation answers 200 again (polled), or ``{}`` after ``within_s``."""
    import httpx

    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        r = httpx.post(
            f"{base}/v1/accounts/{account}/recommendations",
            json={"enquiry": text},
            headers={"X-API-Key": key},
            timeout=REQUEST_DEADLINE_S,
        )
        if r.status_code == 200:
            return {"recovered": time.monotonic()}
        time.sleep(0.2)
    return {}


def bench_fault(model_root: Path, store: Path, keys: dict[str, str], texts: list[str], args: Any) -> dict[str, Any]:
    work = store.parent
    fault_store = work / "fault.sqlite"
    shutil.copy(store, fault_store)
    host = start_serving_host(model_root, work / "host.log")
    box: dict[str, Proc] = {"host": host}
    env = {
        "ANSWERBOT_ENCODER": "grpc",
        "ANSWERBOT_SERVING_GRPC_TARGET": f"127.0.0.1:{host.port}",
        "ANSWERBOT_SERVING_DEADLINE_S": "2",
        "ANSWERBOT_SERVING_RETRIES": "1",
        "ANSWERBOT_STORE_PATH": str(fault_store),
        "ANSWERBOT_SCORE_THRESHOLD": "-1",
    }
    api = start_api(env, work / "fault-api.log")
    base = f"http://127.0.0.1:{api.port}"
    cycles: list[dict[str, float]] = []
    try:
        import httpx

        admin = {"X-API-Key": ADMIN_KEY}
        patched = httpx.patch(f"{base}/v1/accounts/{FALLBACK_ACCOUNT}", json={"lexical_fallback": True}, headers=admin)
        patched.raise_for_status()
        strict = next(a for a in keys if a != FALLBACK_ACCOUNT)

        def chaos() -> None:
            for _ in range(args.fault_cycles):
                time.sleep(args.fault_up_s)
                cycle = {"killed": time.monotonic()}
                box["host"].kill()
                time.sleep(args.fault_down_s)
                box["host"] = start_serving_host(model_root, work / "host.log", port=box["host"].port)
                cycle["restarted"] = time.monotonic()
                cycles.append({**cycle, **_recovered(base, strict, keys[strict], texts[0])})
            time.sleep(args.fault_up_s)

        outcomes = asyncio.run(run_load(base, keys, texts, args.fault_clients, 0.0, REQUEST_DEADLINE_S, during=chaos))
    finally:
        api.stop()
        box["host"].stop()
    unavailable = [o for o in outcomes if o.status == 503]
    lexical = [o for o in outcomes if o.fallback == "lexical"]
    return {
        "clients": args.fault_clients,
        "cycles": len(cycles),
        **_answers(outcomes),
        "unavailable_on_fallback_account": sum(o.account == FALLBACK_ACCOUNT for o in unavailable),
        "lexical_fallback_200": len(lexical),
        "recovered_all": all("recovered" in c for c in cycles) and len(cycles) == args.fault_cycles,
        "recovery_s_max": max((c["recovered"] - c["restarted"] for c in cycles if "recovered" in c), default=None),
        "deadline_s": REQUEST_DEADLINE_S,
        "latency_all": percentiles(outcomes, status=None),
        "latency_503": percentiles(outcomes, status=503),
    }


def _pg_cluster(action: str) -> None:
    """Stop or start the local PostgreSQL cluster (the only one under /etc/postgresql)."""
    (version,) = [p.name for p in Path("/etc/postgresql").iterdir()]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def _pg_database(url: str, name: str, create: bool) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'{"CREATE" if create else "DROP"} DATABASE "{name}"')


def bench_postgres(model_root: Path, texts: list[str], args: Any, work: Path) -> dict[str, Any]:
    from answerbot.demo.load import demo_key, load_demo_kb
    from answerbot.settings import Settings
    from tests.store.conftest import PG_URL, postgres_reachable

    down = postgres_reachable()
    if down is None and shutil.which("pg_ctlcluster") is None:
        down = "pg_ctlcluster is not installed"
    if down is not None:
        return {"skipped": down}
    database = f"answerbot_reliability_{uuid.uuid4().hex[:10]}"
    url = PG_URL.rsplit("/", 1)[0] + f"/{database}"
    _pg_database(PG_URL, database, create=True)
    try:
        counts = load_demo_kb(Settings(store_url=url, model_root=model_root, admin_key=ADMIN_KEY))
        keys = {account: demo_key(account) for account in counts}
        return _postgres_restarts(model_root, url, keys, texts, args, work)
    finally:
        deadline = time.monotonic() + 60
        while postgres_reachable() is not None and time.monotonic() < deadline:
            time.sleep(0.5)
        _pg_database(PG_URL, database, create=False)


def _postgres_restarts(
    model_root: Path, url: str, keys: dict[str, str], texts: list[str], args: Any, work: Path
) -> dict[str, Any]:
    import httpx

    from answerbot.store import Store

    env = {"ANSWERBOT_MODEL_ROOT": str(model_root), "ANSWERBOT_STORE_URL": url, "ANSWERBOT_SCORE_THRESHOLD": "-1"}
    api = start_api(env, work / "postgres-api.log", workers=args.pg_workers)
    base = f"http://127.0.0.1:{api.port}"
    account = next(iter(keys))
    admin = {"X-API-Key": ADMIN_KEY}
    cycles: list[dict[str, float]] = []
    written: list[str] = []
    refused_writes: list[int] = []
    stop_writing = threading.Event()

    def writer() -> None:
        """One article per request, each with a new id: the acknowledged ones must all be in the store."""
        n = 0
        with httpx.Client(base_url=base, timeout=REQUEST_DEADLINE_S) as client:
            while not stop_writing.is_set():
                article_id = f"pg-fault-{n}"
                body = {"title": f"Fault article {n}", "body": f"Written under a PostgreSQL restart, number {n}."}
                try:
                    r = client.put(f"/v1/accounts/{account}/articles/{article_id}", json=body, headers=admin)
                    if r.status_code in (200, 201):
                        written.append(article_id)
                    else:
                        refused_writes.append(r.status_code)
                except httpx.HTTPError:
                    refused_writes.append(0)
                n += 1
                time.sleep(0.05)

    def chaos() -> None:
        for _ in range(args.pg_cycles):
            time.sleep(args.fault_up_s)
            _pg_cluster("stop")
            cycle = {"stopped": time.monotonic()}  # down from here (stopping takes a moment) until started
            time.sleep(args.pg_down_s)
            cycle["starting"] = time.monotonic()
            _pg_cluster("start")
            cycle["started"] = time.monotonic()
            cycles.append({**cycle, **_recovered(base, account, keys[account], texts[0])})
        time.sleep(args.fault_up_s)

    write_thread = threading.Thread(target=writer, name="pg-fault-writer")
    write_thread.start()
    try:
        outcomes = asyncio.run(run_load(base, keys, texts, args.fault_clients, 0.0, REQUEST_DEADLINE_S, during=chaos))
    finally:
        stop_writing.set()
        write_thread.join(timeout=REQUEST_DEADLINE_S + 5)
        api.stop()  # SIGTERM: the shutdown writes the queued interactions
    acknowledged = [o.interaction_id for o in outcomes if o.status == 200 and o.interaction_id]
    store = Store.postgres(url)
    try:
        by_id = {o.interaction_id: o.account for o in outcomes if o.interaction_id}
        lost_interactions = [i for i in acknowledged if store.interactions.get(by_id[i], i) is None]
        lost_articles = [a for a in written if store.articles.get(account, a) is None]
    finally:
        store.close()
    windows = [(c["stopped"], c["starting"]) for c in cycles]
    during = [o for o in outcomes if any(a <= o.started and o.ended <= b for a, b in windows)]
    cached_ok = [
        o.started - a for o in outcomes for a, b in windows if o.status == 200 and a <= o.started and o.ended <= b
    ]
    return {
        "clients": args.fault_clients,
        "workers": args.pg_workers,
        "last_200_after_down_s": max(cached_ok, default=None),
        "cycles": len(cycles),
        "down_s": args.pg_down_s,
        **_answers(outcomes),
        "while_down": _statuses(during),
        "recovered_all": all("recovered" in c for c in cycles) and len(cycles) == args.pg_cycles,
        "recovery_s_max": max((c["recovered"] - c["started"] for c in cycles if "recovered" in c), default=None),
        "acknowledged_interactions": len(acknowledged),
        "lost_interactions": len(lost_interactions),
        "acknowledged_articles": len(written),
        "refused_article_writes": dict(Counter(str(s) for s in refused_writes)),
        "lost_articles": len(lost_articles),
        "latency_all": percentiles(outcomes, status=None),
    }


def bench_crash(args: Any, work: Path) -> dict[str, Any]:
    from answerbot.store import Store
    from tests.reliability.crash import crash_rounds
    from tests.store.conftest import PG_URL, postgres_reachable

    out: dict[str, Any] = {}
    path = work / "crash.sqlite"
    (work / "sqlite").mkdir()
    rounds = crash_rounds(["--sqlite", str(path)], lambda: Store.sqlite(path), work / "sqlite", args.crash_rounds)
    out["sqlite"] = {"kills": len(rounds), "acknowledged_batches": rounds[-1].acknowledged, "consistent": True}
    down = postgres_reachable()
    if down is not None:
        out["postgres"] = {"skipped": down}
        return out
    schema = f"answerbot_crash_{uuid.uuid4().hex[:12]}"
    (work / "pg").mkdir()
    try:
        rounds = crash_rounds(
            ["--pg-url", PG_URL, "--schema", schema],
            lambda: Store.postgres(PG_URL, schema=schema),
            work / "pg",
            args.crash_rounds,
        )
        out["postgres"] = {"kills": len(rounds), "acknowledged_batches": rounds[-1].acknowledged, "consistent": True}
    finally:
        store = Store.postgres(PG_URL, schema=schema)
        store.drop_schema()
        store.close()
    return out


def bench_fuzz(model_root: Path, args: Any, work: Path) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from answerbot.api import create_app
    from answerbot.encoders.inprocess import SavedModelEncoder
    from answerbot.settings import Settings
    from tests.api.conftest import ARTICLES
    from tests.reliability.fuzz import fuzz_schema, fuzz_texts

    settings = Settings(
        store_path=work / "fuzz.sqlite",
        model_root=model_root,
        admin_key=ADMIN_KEY,
        score_threshold=-1.0,
        max_enquiry_chars=300,
        max_article_chars=1000,
        max_request_bytes=2 * 1024 * 1024,
    )
    admin = {"X-API-Key": ADMIN_KEY}
    started = time.perf_counter()
    app = create_app(settings, encoder=SavedModelEncoder.latest(model_root))
    with TestClient(app, headers=admin) as client:
        logging.getLogger("answerbot.api.access").setLevel(logging.WARNING)  # one line per request: too many
        client.post("/v1/accounts", json={"account_id": "acme"}).raise_for_status()
        client.put("/v1/accounts/acme/articles", json={"articles": ARTICLES}).raise_for_status()
        texts = fuzz_texts(client, "acme", 300, args.fuzz_text_examples)
        schema = fuzz_schema(app, admin, "acme", args.fuzz_schema_per_operation)
    total = texts + schema
    return {
        "requests": sum(total.values()),
        "text_requests": sum(texts.values()),
        "schema_requests": sum(schema.values()),
        "server_errors": sum(n for s, n in total.items() if s >= 500),
        "statuses": {str(k): v for k, v in sorted(total.items())},
        "seconds": time.perf_counter() - started,
    }


def _postgres_row(pg: dict[str, Any]) -> tuple[str, str, str]:
    if "skipped" in pg:
        return ("postgres", "PostgreSQL stop/start under load", f"skipped: {pg['skipped']}")
    return (
        "postgres",
        f"{pg['cycles']} x PostgreSQL down {pg['down_s']:.0f} s, {pg['clients']} clients + 1 writer, "
        f"{pg['workers']} worker(s)",
        f"{pg['requests']} req: {pg['statuses']}; while down {pg['while_down']}; {pg['unavailable_503']} x 503, "
        f"{pg['unavailable_without_retry_after']} without Retry-After, {pg['no_answer_within_deadline']} late, "
        f"{pg['unexpected']} unexpected; recovery <= {pg['recovery_s_max'] or float('nan'):.2f} s; "
        f"{pg['acknowledged_interactions']} acknowledged interactions, {pg['lost_interactions']} lost; "
        f"{pg['acknowledged_articles']} acknowledged articles, {pg['lost_articles']} lost",
    )


def table(results: dict[str, Any]) -> str:
    rows = []
    if "load" in results:
        load = results["load"]
        rows.append(
            (
                "load",
                f"{load['clients']} clients x {load['seconds']:.0f} s",
                f"{load['requests']} req, "
                f"{load['errors']} errors, {load['throughput_rps']:.1f} req/s, p50 {load['p50_ms']:.0f} / p90 "
                f"{load['p90_ms']:.0f} / p99 {load['p99_ms']:.0f} / max {load['max_ms']:.0f} ms",
            )
        )
    if "fault" in results:
        fault = results["fault"]
        rows.append(
            (
                "fault",
                f"{fault['cycles']} kill+restart, {fault['clients']} clients",
                f"{fault['requests']} req: "
                f"{fault['unavailable_503']} x 503+Retry-After, {fault['lexical_fallback_200']} lexical, "
                f"{fault['no_answer_within_deadline']} late, {fault['unexpected']} unexpected; max latency "
                f"{fault['latency_all']['max_ms']:.0f} ms; recovery <= {fault['recovery_s_max'] or float('nan'):.2f} s",
            )
        )
    if "postgres" in results:
        rows.append(_postgres_row(results["postgres"]))
    if "crash" in results:
        crash = results["crash"]
        rows.append(("crash", "SIGKILL during bulk writes", "; ".join(f"{k}: {v}" for k, v in crash.items())))
    if "fuzz" in results:
        fuzz = results["fuzz"]
        rows.append(
            (
                "fuzz",
                f"{fuzz['text_requests']} text + {fuzz['schema_requests']} schema",
                f"{fuzz['requests']} req, {fuzz['server_errors']} server errors, statuses {fuzz['statuses']}",
            )
        )
    return "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def failures(results: dict[str, Any], min_fuzz: int) -> list[str]:
    """What the run promised and did not keep (empty: all kept)."""
    checks: dict[str, bool] = {}
    if "load" in results:
        checks["load: 0 errors"] = results["load"]["errors"] == 0
    if "fault" in results:
        fault = results["fault"]
        checks["fault: every request answered within its deadline"] = fault["no_answer_within_deadline"] == 0
        checks["fault: only 200 or 503"] = fault["unexpected"] == 0
        checks["fault: every 503 has Retry-After"] = fault["unavailable_without_retry_after"] == 0
        checks["fault: the lexical_fallback account never got 503"] = fault["unavailable_on_fallback_account"] == 0
        checks["fault: recovered after every restart"] = fault["recovered_all"]
    pg = results.get("postgres", {"skipped": ""})
    if "skipped" not in pg:
        checks["postgres: every request answered within its deadline"] = pg["no_answer_within_deadline"] == 0
        checks["postgres: only 200 or 503"] = pg["unexpected"] == 0
        checks["postgres: every 503 has Retry-After"] = pg["unavailable_without_retry_after"] == 0
        checks["postgres: recovered after every restart"] = pg["recovered_all"]
        checks["postgres: no acknowledged interaction lost"] = pg["lost_interactions"] == 0
        checks["postgres: no acknowledged article lost"] = pg["lost_articles"] == 0
    if "fuzz" in results:
        fuzz = results["fuzz"]
        checks["fuzz: 0 server errors"] = fuzz["server_errors"] == 0
        checks[f"fuzz: >= {min_fuzz} requests"] = fuzz["requests"] >= min_fuzz
    return [name for name, ok in checks.items() if not ok]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-root", type=Path, default=REPO / "serving/models/answerbot")
    parser.add_argument("--load-seconds", type=float, default=300.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--fault-clients", type=int, default=16)
    parser.add_argument("--fault-cycles", type=int, default=3)
    parser.add_argument("--fault-up-s", type=float, default=5.0)
    parser.add_argument("--fault-down-s", type=float, default=5.0)
    parser.add_argument("--pg-cycles", type=int, default=2)
    parser.add_argument("--pg-down-s", type=float, default=3.0, help="keep short: the whole server goes down")
    parser.add_argument("--pg-workers", type=int, default=1, help="API worker processes in the postgres run")
    parser.add_argument("--crash-rounds", type=int, default=10)
    parser.add_argument("--fuzz-text-examples", type=int, default=500, help="x 3 requests each")
    parser.add_argument("--fuzz-schema-per-operation", type=int, default=40, help="x 17 operations")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 10 s load, 1 fault cycle, small fuzz")
    parser.add_argument("--only", default="load,fault,postgres,crash,fuzz", help="comma-separated runs")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/reliability.json")
    args = parser.parse_args()
    if args.quick:
        args.load_seconds, args.fault_cycles, args.crash_rounds, args.pg_cycles = 10.0, 1, 2, 1
        args.fuzz_text_examples, args.fuzz_schema_per_operation = 30, 3
    results: dict[str, Any] = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}}
    with tempfile.TemporaryDirectory(prefix="answerbot-reliability-") as tmp:
        work = Path(tmp)
        store, keys, texts = demo_store(args.model_root, work)
        results["model"] = {"root": str(args.model_root.relative_to(REPO)), "accounts": len(keys)}
        wanted = set(args.only.split(","))
        for name, run in [
            ("load", lambda: bench_load(args.model_root, store, keys, texts, args)),
            ("fault", lambda: bench_fault(args.model_root, store, keys, texts, args)),
            ("postgres", lambda: bench_postgres(args.model_root, texts, args, work)),
            ("crash", lambda: bench_crash(args, work)),
            ("fuzz", lambda: bench_fuzz(args.model_root, args, work)),
        ]:
            if name not in wanted:
                continue
            started = time.perf_counter()
            results[name] = run()
            print(f"{name}: done in {time.perf_counter() - started:.0f} s", flush=True)
    results["command"] = " ".join([".venv/bin/python bench/reliability.py", *sys.argv[1:]])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print("| run | setup | result |\n|---|---|---|")
    print(table(results))
    failed = failures(results, 0 if args.quick else 2000)
    if failed:
        print("FAILED: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
