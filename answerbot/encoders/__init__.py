"""Text encoders behind one protocol."""

from answerbot.encoders.base import Encoder, EncoderError

__all__ = ["Encoder", "EncoderError"]
