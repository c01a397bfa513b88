"""answerbot: a multilingual answer-recommendation encoder service."""

import os

# Keep TensorFlow's C++ start-up chatter out of CLI and server output (set before any TF import).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__all__ = ["__version__"]

__version__ = "0.1.0"
