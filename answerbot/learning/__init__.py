"""Learning from use: the figures a retraining round compares, the promotion guard, the round itself."""
