"""Build the configured encoder from settings (the one place the API and CLI get an encoder from)."""

from __future__ import annotations

from answerbot.encoders.base import Encoder
from answerbot.settings import Settings

__all__ = ["build_encoder"]


def build_encoder(settings: Settings) -> Encoder:
    """The in-process encoder over the latest SavedModel version under ``settings.model_root``."""
    from answerbot.encoders.inprocess import SavedModelEncoder

    return SavedModelEncoder.latest(settings.model_root)
