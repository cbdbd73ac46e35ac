"""Documents: list, one with its paragraphs, and upload (bearer token; incremental indexing)."""
from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path as PathParam, Response, UploadFile

from assistant.api.deps import AdminDep, SettingsDep, SnapshotDep, StateDep
from assistant.api.errors import COMMON_RESPONSES, NOT_FOUND, validation_error
from assistant.api.schemas import ChunkOut, DocumentDetail, DocumentList, DocumentOut, ErrorResponse, UploadResponse
from corpus.errors import IngestError
from index.store import IndexStoreError
from corpus.readers import SUPPORTED_SUFFIXES

router = APIRouter(prefix="/documents", tags=["documents"])
log = logging.getLogger("assistant.api")

UPLOAD_RESPONSES = {
    **COMMON_RESPONSES,
    200: {"model": UploadResponse, "description": "Same content already indexed: nothing changed"},
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
        raise HTTPException(404, f"unknown doc_id {doc_id!r}")
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


@router.post("", response_model=UploadResponse, status_code=201, responses=UPLOAD_RESPONSES,
             summary="Add a plan (admin)")
def upload_document(
    _: AdminDep,
    state: StateDep,
    settings: SettingsDep,
    snapshot: SnapshotDep,
    response: Response,
    file: Annotated[UploadFile, File(description=".txt (UTF-8 or GBK), .docx or .pdf")],
    city: Annotated[str, Form(min_length=1, max_length=40, description="城市, e.g. 某某市")],
    province: Annotated[str, Form(max_length=40)] = "",
    title: Annotated[str, Form(max_length=200, description="Default: the document's title line")] = "",
    doc_number: Annotated[str, Form(max_length=100, description="文号")] = "",
    date: Annotated[str, Form(max_length=10, description="YYYY-MM-DD")] = "",
    issuer: Annotated[str, Form(max_length=100, description="发文机关")] = "",
) -> UploadResponse:
    """Index one more plan without a rebuild: only its paragraphs are embedded.

    Needs `Authorization: Bearer <POLICYQA_ADMIN_TOKEN>`. Returns 201 for a new document and
    200 with `duplicate: true` when the same bytes were uploaded before (nothing changes).
    Uploads are serialised; searches keep being answered from the previous index until the
    new one is swapped in.
    """
    del snapshot  # depended on only so that an upload before the index is loaded gets 503
    stem, suffix = _safe_name(file.filename)
    if suffix not in SUPPORTED_SUFFIXES:
        raise validation_error(("body", "file"), f"unsupported file type {suffix or '(none)'!r}; "
                               f"expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    if not city.strip():
        raise validation_error(("body", "city"), "must not be empty or only whitespace")
    data = _read_limited(file, settings.max_upload_bytes)
    meta = {"city": city, "province": province, "title": title, "doc_number": doc_number,
            "date": date, "issuer": issuer}
    with tempfile.TemporaryDirectory(prefix="policyqa-upload-") as tmp:
        path = Path(tmp) / f"{stem}{suffix}"
        path.write_bytes(data)
        try:
            report = state.add_document(path, **meta)
        except IngestError as exc:
            reason = str(exc)
            field = reason.split(" ", 1)[0]
            raise validation_error(("body", field if field in _META_FIELDS else "file"), reason) from None
        except IndexStoreError as exc:  # the persisted index cannot be updated: nothing changed
            log.error("upload failed: %s", exc)
            raise HTTPException(503, "the index cannot be updated right now; try again later") from None
    if report.duplicate:
        response.status_code = 200
    log.info("upload %s: %s, %d chunks, %d embedded", "duplicate" if report.duplicate else "added",
             report.doc_id, report.chunks, report.embedded)
    return UploadResponse(doc_id=report.doc_id, chunks=report.chunks, embedded=report.embedded,
                          duplicate=report.duplicate)
