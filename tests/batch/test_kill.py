"""A real ``answerbot reencode`` process killed with SIGKILL mid-job, then started again: complete, consistent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from answerbot.store import Store
from tests.batch.conftest import ACCOUNTS, seed_store
from tests.batch.test_job import assert_complete

SCRIPT = Path(__file__).with_name("slow_reencode.py")
ROOT = Path(__file__).parents[2]


def v2_rows(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute("SELECT count(*) FROM article_vectors WHERE model_version = '2'").fetchone()[0]


def start(settings, delay: float) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "ANSWERBOT_STORE_PATH": str(settings.store_path),
        "ANSWERBOT_MODEL_ROOT": str(settings.model_root),
        "SLOW_ENCODE_S": str(delay),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, str(SCRIPT), "reencode", "--model-version", "2", "--batch-size", "10"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_killed_job_resumes_to_a_complete_consistent_store(settings, encoders) -> None:
    store = seed_store(settings, encoders["1"], 150)
    store.close()
    job = start(settings, delay=0.1)
    deadline = time.monotonic() + 120
    while v2_rows(settings.store_path) < 60:
        assert job.poll() is None, job.stdout.read() if job.stdout else ""
        assert time.monotonic() < deadline, "the job wrote no batches in time"
        time.sleep(0.05)
    job.send_signal(signal.SIGKILL)
    job.wait(30)
    killed_at = v2_rows(settings.store_path)
    assert 60 <= killed_at < 300
    again = start(settings, delay=0)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert "resumed" in out and "articles/s" in out
    store = Store.sqlite(settings.store_path)
    try:
        with sqlite3.connect(settings.store_path) as conn:
            rows = conn.execute(
                "SELECT count(*), count(DISTINCT account || '/' || article_id) FROM article_vectors "
                "WHERE model_version = '2'"
            ).fetchone()
            assert rows == (300, 300)
            assert conn.execute("SELECT count(*) FROM reencode_jobs").fetchone()[0] == 0
        assert_complete(store, encoders["2"], "2")
        assert {store.accounts.active_version(a) for a in ACCOUNTS} == {"2"}
    finally:
        store.close()
