"""Helpers for the eval tests: small hand-made chunks for metric plumbing."""
from __future__ import annotations

import pytest

from corpus.model import Chunk


def _make_chunk(chunk_id: str, text: str, city: str = "安顺市", kind: str = "body") -> Chunk:
    return Chunk(
        chunk_id=chunk_id, doc_id="t", city=city, province="", title="测试方案", section=(),
        section_path="", paragraph=1, section_paragraph=1, text=text, match_text=text,
        start=0, end=len(text), sentences=(text,), kind=kind,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def make_chunk():
    """Factory: make_chunk(chunk_id, text, city="安顺市", kind="body") -> Chunk."""
    return _make_chunk
