"""Metrics, baselines and benchmark protocols."""

__all__: list[str] = []
