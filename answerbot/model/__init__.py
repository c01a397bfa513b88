"""The TensorFlow side: in-graph tokenizer, shared RNN tower, dual-encoder training, SavedModel export."""

__all__: list[str] = []
