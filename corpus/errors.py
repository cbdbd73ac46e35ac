"""Errors the corpus package raises on bad input (callers turn them into 4xx / exit codes)."""
from __future__ import annotations


class IngestError(ValueError):
    """A file or its metadata cannot be added to the corpus; `str(err)` is a one-line reason."""


class CorpusStoreError(Exception):
    """The stored corpus itself is damaged (e.g. an unreadable documents manifest), so nothing
    can be added until it is repaired; `str(err)` names the file (relative to the data dir)."""


class PlanIntegrityError(IngestError):
    """A stored plan is missing, unreadable, or its bytes no longer match the sha256 recorded
    when it was added; `str(err)` names the file and what to do."""
