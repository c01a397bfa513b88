"""Readers that turn source files into common records."""

__all__: list[str] = []
