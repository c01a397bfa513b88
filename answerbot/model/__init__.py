"""The TensorFlow side: in-graph tokenizer, shared RNN tower, dual-encoder training, SavedModel export."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out of CLI output

__all__: list[str] = []
