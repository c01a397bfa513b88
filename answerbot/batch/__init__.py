"""Batch re-encoding engines: the job itself is ``answerbot.service.reencode``; Ray Data lives in ``ray_engine``."""

from answerbot.service.reencode import (
    Engine,
    ReencodeError,
    ReencodeOptions,
    ReencodeSummary,
    encoder_for_version,
    local_engine,
    run_reencode,
)

__all__ = [
    "Engine",
    "ReencodeError",
    "ReencodeOptions",
    "ReencodeSummary",
    "encoder_for_version",
    "local_engine",
    "run_reencode",
]
