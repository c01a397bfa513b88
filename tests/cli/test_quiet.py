"""A new user sees only answerbot's own lines: TensorFlow's C++ start-up log is hidden unless --verbose."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ANSWERBOT = Path(sys.executable).parent / "answerbot"
CHATTER = re.compile(r"cuInit|oneDNN|This TensorFlow binary is optimized|absl::InitializeLog|^[IWE]\d{4} ", re.M)


def _reencode(tmp_path: Path, model_root: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """``answerbot reencode --only-stale``: loads the SavedModel in a fresh process (an empty store)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSWERBOT_", "TF_CPP"))}
    env.update(ANSWERBOT_MODEL_ROOT=str(model_root), ANSWERBOT_STORE_PATH=str(tmp_path / "store.sqlite"))
    command = [str(ANSWERBOT), *flags, "reencode", "--only-stale"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_loading_a_saved_model_prints_no_tensorflow_log(tmp_path: Path, tiny_model_root: Path) -> None:
    result = _reencode(tmp_path, tiny_model_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "accounts on model version 1" in result.stdout
    assert CHATTER.search(result.stderr) is None, result.stderr
    assert result.stderr.strip() == ""


def test_verbose_shows_it(tmp_path: Path, tiny_model_root: Path) -> None:
    result = _reencode(tmp_path, tiny_model_root, "--verbose")
    assert result.returncode == 0, result.stdout + result.stderr
    assert CHATTER.search(result.stderr) is not None
