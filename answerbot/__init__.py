"""answerbot: a multilingual answer-recommendation encoder service."""

from answerbot.quiet import quiet_tensorflow

# Keep TensorFlow's C++ start-up chatter out of CLI and server output (before any TensorFlow import).
quiet_tensorflow()

__all__ = ["__version__"]

__version__ = "0.1.0"
