"""The HTTP API (FastAPI). No TensorFlow here: the encoder comes in through ``create_app``."""

from answerbot.api.main import create_app

__all__ = ["create_app"]
