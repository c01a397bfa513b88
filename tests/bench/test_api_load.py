"""bench/api_load.py refuses to report without its external load generator."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_api_load_refuses_without_wrk(tmp_path):
    out = tmp_path / "api_load.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench/api_load.py"), "--seconds", "1", "--out", str(out)],
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},  # a PATH without wrk
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "`wrk` is not on PATH" in done.stderr
    assert "apt-get install -y wrk" in done.stderr
    assert "does not fall back" in done.stderr
    assert not out.exists()
