"""Documents: list, one with its paragraphs, and upload (bearer token; indexed as a job)."""
from __future__ import annotations

import logging
import re
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path as PathParam, Response, UploadFile

from assistant.api.deps import AdminDep, SettingsDep, SnapshotDep, StateDep
from assistant.api.errors import COMMON_RESPONSES, NOT_FOUND, clip, validation_error
from assistant.api.schemas import ChunkOut, DocumentDetail, DocumentList, DocumentOut, ErrorResponse, UploadResponse
from corpus.errors import CorpusStoreError, IngestError
from corpus.places import validate_city
from corpus.readers import check_suffix

router = APIRouter(prefix="/documents", tags=["documents"])
log = logging.getLogger("assistant.api")

UPLOAD_RESPONSES = {
    **COMMON_RESPONSES,
    200: {"model": UploadResponse, "description": "Same text already indexed: nothing changed"},
    401: {"model": ErrorResponse, "description": "No bearer token"},
    403: {"model": ErrorResponse, "description": "Wrong token, or ingestion disabled (no POLICYQA_ADMIN_TOKEN)"},
}
_READ_BLOCK = 1024 * 1024
_META_FIELDS = ("city", "province", "title", "doc_number", "date", "issuer")


@router.get("", response_model=DocumentList, responses=COMMON_RESPONSES, summary="List documents")
def list_documents(snapshot: SnapshotDep) -> DocumentList:
    counts = snapshot.chunk_counts
    return DocumentList(documents=[DocumentOut.from_meta(m, counts.get(m.doc_id, 0))
                                   for m in snapshot.index.documents])


@router.get("/{doc_id}", response_model=DocumentDetail, responses={**COMMON_RESPONSES, **NOT_FOUND},
            summary="One document with its paragraphs")
def get_document(snapshot: SnapshotDep, doc_id: Annotated[str, PathParam(examples=["tieling"])]) -> DocumentDetail:
    meta = next((m for m in snapshot.index.documents if m.doc_id == doc_id), None)
    if meta is None:
        raise HTTPException(404, f"unknown doc_id {clip(doc_id)!r}")
    chunks = list(snapshot.index.document_chunks(doc_id))
    head = DocumentOut.from_meta(meta, len(chunks))
    return DocumentDetail(**head.model_dump(), paragraphs=[ChunkOut.from_chunk(c) for c in chunks])


def _read_limited(upload: UploadFile, limit: int) -> bytes:
    """The uploaded bytes, or 413 as soon as they pass `limit` (never held in memory beyond it)."""
    parts, size = [], 0
    while block := upload.file.read(_READ_BLOCK):
        size += len(block)
        if size > limit:
            raise HTTPException(413, f"file too large: limit is {limit} bytes (POLICYQA_MAX_UPLOAD_BYTES)")
        parts.append(block)
    return b"".join(parts)


def _safe_name(filename: str | None) -> tuple[str, str]:
    """(stem, suffix) of the client's file name, reduced to characters safe in a path."""
    pure = PurePath((filename or "").replace("\\", "/"))
    stem = re.sub(r"[^\w.-]+", "_", pure.stem).strip("._")[:80] or "upload"
    return stem, pure.suffix.lower()


@router.post("", response_model=UploadResponse, status_code=202, responses=UPLOAD_RESPONSES,
             summary="Add a plan (admin)")
def upload_document(
    _: AdminDep,
    state: StateDep,
    settings: SettingsDep,
    snapshot: SnapshotDep,
    response: Response,
    file: Annotated[UploadFile, File(description=".txt (UTF-8 or GBK), .docx or .pdf")],
    city: Annotated[str, Form(max_length=40, description="地方, e.g. 某某市; 全国 for a national document. "
                                                          "Default: read from the document")] = "",
    province: Annotated[str, Form(max_length=40)] = "",
    title: Annotated[str, Form(max_length=200, description="Default: the document's title line")] = "",
    doc_number: Annotated[str, Form(max_length=100, description="文号")] = "",
    date: Annotated[str, Form(max_length=10, description="YYYY-MM-DD")] = "",
    issuer: Annotated[str, Form(max_length=100, description="发文机关")] = "",
) -> UploadResponse:
    """Validate and store one more plan, then index it in the background (a job).

    Needs `Authorization: Bearer <POLICYQA_ADMIN_TOKEN>`. The file is read, checked and stored
    inside the request (refusals are 4xx at once); indexing it (embedding its paragraphs) runs
    as a job: the answer is 202 with `job_id`, and `GET /api/v1/jobs/{job_id}` reports progress.
    Searches keep being answered from the previous index until the new one is swapped in.
    The same text as an indexed plan (whatever its encoding, BOM or line endings) gives 200
    with `duplicate: true`, and nothing changes.
    """
    del snapshot  # depended on only so that an upload before the index is loaded gets 503
    _stem, suffix = _safe_name(file.filename)
    try:
        check_suffix(suffix)
    except IngestError as exc:
        raise validation_error(("body", "file"), str(exc)) from None
    try:
        city = validate_city(city) if city.strip() else ""
    except IngestError as exc:
        raise validation_error(("body", "city"), str(exc).removeprefix("city ")) from None
    data = _read_limited(file, settings.max_upload_bytes)
    meta = {"city": city, "province": province, "title": title, "doc_number": doc_number,
            "date": date, "issuer": issuer}
    try:
        outcome = state.submit_upload(data, f"upload{suffix}" if not file.filename else file.filename, **meta)
    except IngestError as exc:
        reason = str(exc)
        field = reason.split(" ", 1)[0]
        raise validation_error(("body", field if field in _META_FIELDS else "file"), reason) from None
    except CorpusStoreError as exc:  # the stored corpus is damaged: nothing can be added
        log.error("upload refused: %s", exc)
        raise HTTPException(503, f"plans cannot be added right now: {exc}") from None
    if outcome.job is None:
        response.status_code = 200
        log.info("upload duplicate: %s, %d chunks", outcome.doc_id, outcome.chunks)
        return UploadResponse(doc_id=outcome.doc_id, chunks=outcome.chunks, duplicate=True, status="indexed",
                              job_id=None, job_url=None)
    url = f"/api/v1/jobs/{outcome.job.job_id}"
    response.headers["Location"] = url
    log.info("upload stored: %s, %d chunks, job %s", outcome.doc_id, outcome.chunks, outcome.job.job_id)
    return UploadResponse(doc_id=outcome.doc_id, chunks=outcome.chunks, duplicate=False, status="queued",
                          job_id=outcome.job.job_id, job_url=url)
