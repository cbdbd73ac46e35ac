"""GET /chunks/{chunk_id}: one paragraph with its neighbouring paragraphs, for context."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from assistant.api.deps import SnapshotDep
from assistant.api.errors import clip, COMMON_RESPONSES, NOT_FOUND
from assistant.api.schemas import ChunkDetail, ChunkOut

router = APIRouter(prefix="/chunks", tags=["documents"])
MAX_CONTEXT = 10


@router.get("/{chunk_id}", response_model=ChunkDetail, responses={**COMMON_RESPONSES, **NOT_FOUND},
            summary="One paragraph with its neighbours")
def get_chunk(
    snapshot: SnapshotDep,
    chunk_id: Annotated[str, Path(description="From a search result.")],
    before: Annotated[int, Query(ge=0, le=MAX_CONTEXT, description="Paragraphs before.")] = 1,
    after: Annotated[int, Query(ge=0, le=MAX_CONTEXT, description="Paragraphs after.")] = 1,
) -> ChunkDetail:
    index = snapshot.index
    try:
        chunk = index.get_chunk(chunk_id)
    except KeyError:
        chunk = None
    if chunk is None:
        raise HTTPException(404, f"unknown chunk_id {clip(chunk_id)!r}")
    ordered = sorted(index.document_chunks(chunk.doc_id), key=lambda c: c.paragraph)
    at = next(i for i, c in enumerate(ordered) if c.chunk_id == chunk.chunk_id)
    return ChunkDetail(
        chunk=ChunkOut.from_chunk(chunk),
        before=[ChunkOut.from_chunk(c) for c in ordered[max(0, at - before):at]],
        after=[ChunkOut.from_chunk(c) for c in ordered[at + 1:at + 1 + after]],
    )
