"""Errors the corpus package raises on bad input (callers turn them into 4xx / exit codes)."""
from __future__ import annotations


class IngestError(ValueError):
    """A file or its metadata cannot be added to the corpus; `str(err)` is a one-line reason."""
