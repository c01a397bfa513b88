"""Reading data files never loads TensorFlow (a fresh interpreter imports every reader)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import answerbot.data
for module in pkgutil.iter_modules(answerbot.data.__path__):
    importlib.import_module(f"answerbot.data.{module.name}")
heavy = sorted(name for name in ("tensorflow", "keras") if name in sys.modules)
print(",".join(heavy) or "none")
"""


def test_data_readers_do_not_import_tensorflow() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "none"
