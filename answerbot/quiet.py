"""Keep TensorFlow's C++ start-up log out of the CLI's and the server's output (unless asked for).

TensorFlow logs from C++ straight to file descriptor 2. ``TF_CPP_MIN_LOG_LEVEL=3`` silences most of it
(e.g. "failed call to cuInit"), but the lines written while its libraries load ("oneDNN custom operations
are on", "Could not find cuda drivers") come before that setting is read. So ``quiet_tensorflow()`` also
runs the first ``import tensorflow`` with descriptor 2 captured, and writes back whatever was captured
except lines in absl's log format: Python warnings and errors still show.

``ANSWERBOT_LOG_LEVEL=debug`` (or ``answerbot --verbose``) leaves everything as TensorFlow prints it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType

__all__ = ["quiet_tensorflow", "show_tensorflow_logs"]

_ABSL_LINE = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\] |WARNING: All log messages before absl::InitializeLog\(\))"
)


@contextmanager
def _absl_lines_dropped() -> Iterator[None]:
    """Capture descriptor 2 during the block; write back every captured line not in absl's format."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode("utf-8", errors="replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not _ABSL_LINE.match(line))
            if kept:
                os.write(2, kept.encode("utf-8"))


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        with _absl_lines_dropped():
            self._loader.exec_module(module)


class _QuietTensorflowImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` like the next finder would, but loads it with absl's lines dropped (once)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "tensorflow":
            return None
        show_tensorflow_logs(keep_level=True)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def quiet_tensorflow() -> None:
    """Hide TensorFlow's C++ log (``TF_CPP_MIN_LOG_LEVEL=3`` unless set; the first import's early lines)."""
    if os.environ.get("ANSWERBOT_LOG_LEVEL", "").lower() == "debug":
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietTensorflowImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorflowImport())


def show_tensorflow_logs(keep_level: bool = False) -> None:
    """Undo ``quiet_tensorflow`` for imports still to come (and, unless ``keep_level``, show every TF log line)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _QuietTensorflowImport)]
    if not keep_level:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
