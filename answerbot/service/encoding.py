"""The encoders a process uses, one per model version, and the one check of what an encoder returns.

``Encoders`` holds the served encoder and builds (once) an encoder for any other version an account is
still active on; ``close()`` releases them all (gRPC channels, HTTP clients). ``encode_checked`` is the
only place that validates encoder output: float32, shape [len(texts), dim], finite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from answerbot.encoders.base import Encoder, EncoderError

__all__ = ["EncoderFactory", "Encoders", "close_encoder", "encode_checked"]

EncoderFactory = Callable[[str], Encoder]
"""Builds the encoder of one model version."""


def encode_checked(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    """``encoder.encode(texts)`` as float32, checked to be [len(texts), dim] and finite (else EncoderError)."""
    vectors = np.asarray(encoder.encode(list(texts)), dtype=np.float32)
    expected = (len(texts), encoder.dim)
    if vectors.shape != expected:
        raise EncoderError(
            f"encoder {encoder.model_name} version {encoder.model_version} returned shape {vectors.shape}; "
            f"expected {expected}; check the model"
        )
    if not np.isfinite(vectors).all():
        raise EncoderError(f"encoder {encoder.model_name} version {encoder.model_version} returned NaN or inf")
    return vectors


def close_encoder(encoder: Encoder) -> None:
    """Call the encoder's ``close()`` when it has one (remote clients do; the in-process model does not)."""
    close = getattr(encoder, "close", None)
    if callable(close):
        close()


class Encoders:
    """The served encoder, plus one per other model version, built by ``build(version)`` on first use."""

    def __init__(self, served: Encoder, build: EncoderFactory | None = None) -> None:
        self.served = served
        self._build = build
        self._others: dict[str, Encoder] = {}
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self.served.model_name

    @property
    def model_version(self) -> str:
        """The served model version: what new accounts and the re-encoding job's default use."""
        return self.served.model_version

    def of(self, version: str) -> Encoder:
        """The encoder of model ``version`` (EncoderError when this process cannot build it)."""
        if version == self.served.model_version:
            return self.served
        with self._lock:
            if version not in self._others:
                if self._build is None:
                    raise EncoderError(
                        f"an account is active on model version {version}, but this process only serves version "
                        f"{self.model_version}; run `answerbot reencode --model-version {self.model_version}` "
                        "to switch it, or serve both versions (the API builds other versions from settings)"
                    )
                built = self._build(version)
                if built.model_version != version:
                    close_encoder(built)
                    raise EncoderError(
                        f"encoder built for model version {version} reports version {built.model_version}; "
                        "check ANSWERBOT_MODEL_ROOT / the TF Serving model config"
                    )
                self._others[version] = built
            return self._others[version]

    def encode(self, texts: Sequence[str], version: str | None = None) -> np.ndarray:
        """Vectors of ``texts`` by model ``version`` (default: the served one), checked."""
        return encode_checked(self.served if version is None else self.of(version), texts)

    def close_others(self) -> None:
        """Close the encoders built here for other versions (not ``served``: whoever built it closes it)."""
        with self._lock:
            others, self._others = list(self._others.values()), {}
        for encoder in others:
            close_encoder(encoder)
