"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from answerbot.encoders.base import EncoderError


@pytest.fixture(scope="session")
def tiny_model_root(tmp_path_factory) -> Path:
    """A tiny real model (dim 8, trained on ten pairs) exported as SavedModel version 1."""
    from answerbot.model.export import export_model
    from tests.tiny_model import train_tiny_model

    root = tmp_path_factory.mktemp("tiny_model")
    export_model(train_tiny_model(root / "run", epochs=30), root / "models")
    return root / "models"


@pytest.fixture(scope="session")
def encoder(tiny_model_root: Path):
    """The in-process encoder over the tiny SavedModel."""
    from answerbot.encoders.inprocess import SavedModelEncoder

    return SavedModelEncoder.latest(tiny_model_root)


class SpyEncoder:
    """Wraps any encoder: records each encode() batch, can claim another model version, can fail."""

    def __init__(self, inner, version: str | None = None, fail: bool = False) -> None:
        self.inner = inner
        self.version = version
        self.fail = fail
        self.batches: list[list[str]] = []

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    @property
    def model_version(self) -> str:
        return self.version if self.version is not None else self.inner.model_version

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def metadata(self) -> dict:
        return self.inner.metadata

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail:
            raise EncoderError("spy encoder told to fail")
        self.batches.append(list(texts))
        return self.inner.encode(texts)


@pytest.fixture
def make_spy(encoder) -> Callable[..., SpyEncoder]:
    """``make_spy(version=None, fail=False)``: a SpyEncoder around the ``encoder`` fixture."""

    def make(version: str | None = None, fail: bool = False) -> SpyEncoder:
        return SpyEncoder(encoder, version=version, fail=fail)

    return make
