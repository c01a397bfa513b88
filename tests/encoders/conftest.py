"""The TF Serving stand-in (versions 1 = stable, 2 = canary) on loopback ports, shared per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving.host import ServingHost, shared_host


@pytest.fixture(scope="session")
def host(tiny_model_root: Path, tmp_path_factory) -> Iterator[ServingHost]:
    yield from shared_host(tiny_model_root, tmp_path_factory)
