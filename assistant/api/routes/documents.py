"""Documents: list, one with its paragraphs, and upload (bearer token; indexed as a job)."""
from __future__ import annotations

import logging
import re
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path as PathParam, Query, Response, UploadFile
from fastapi.exceptions import RequestValidationError

from assistant.api.deps import AdminDep, SettingsDep, SnapshotDep, StateDep
from assistant.api.state import ApiState
from assistant.api.errors import COMMON_RESPONSES, NOT_FOUND, clip, validation_error
from assistant import library
from assistant.api.schemas import (
    BatchUploadResponse, ChunkOut, DocumentDetail, DocumentList, DocumentOut, ErrorResponse, FacetCountOut, Level,
    UploadedFile, UploadResponse,
)
from corpus.errors import CorpusStoreError, IngestError
from corpus.places import validate_city
from corpus.readers import check_suffix
from index.filters import MAX_TEXT, MAX_YEAR, MIN_YEAR, FilterError
from index.types import Filters

router = APIRouter(prefix="/documents", tags=["documents"])
log = logging.getLogger("assistant.api")

UPLOAD_RESPONSES = {
    **COMMON_RESPONSES,
    200: {"model": UploadResponse | BatchUploadResponse,
          "description": "Same text already indexed: nothing changed (several files: none was added)"},
    401: {"model": ErrorResponse, "description": "No bearer token"},
    403: {"model": ErrorResponse, "description": "Wrong token, or ingestion disabled (no POLICYQA_ADMIN_TOKEN)"},
}
_READ_BLOCK = 1024 * 1024
_META_FIELDS = ("city", "province", "title", "doc_number", "date", "issuer")


@router.get("", response_model=DocumentList, responses=COMMON_RESPONSES, summary="List documents")
def list_documents(
    snapshot: SnapshotDep,
    q: Annotated[str | None, Query(max_length=library.MAX_QUERY,
                                   description="Title words (or 文号): every word must occur.")] = None,
    level: Annotated[Level | None, Query(description="国家, 省, 市 or 县.")] = None,
    province: Annotated[str | None, Query(max_length=MAX_TEXT, description="河南 or 河南省: with its cities' and counties'.")] = None,
    city: Annotated[str | None, Query(max_length=MAX_TEXT, description="A place, with the places inside it; 全国.")] = None,
    doc_type: Annotated[str | None, Query(max_length=MAX_TEXT, description="方案, 规划, 通知 … or a class.")] = None,
    year: Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="The year of the document's date.")] = None,
    issuer: Annotated[str | None, Query(max_length=MAX_TEXT, description="An issuing body or part of its name.")] = None,
) -> DocumentList:
    """The indexed documents, as the chat page's 文件库 tab lists them (assistant.library): the
    metadata filters of a search (index.filters; an unknown value is a 422 naming it) and title
    words, in library order, with the counts by level, province, kind and year of those listed."""
    filters = Filters(level=level or "", province=province or "", city=city or "", doc_type=doc_type or "",
                      year=year, issuer=issuer or "")
    documents = snapshot.index.documents
    try:
        listed = library.select(documents, filters if filters.has_metadata else None, q or "")
    except FilterError as exc:
        raise validation_error(("query", exc.field), str(exc)) from None
    chunks = snapshot.chunk_counts
    return DocumentList(
        documents=[DocumentOut.from_meta(m, chunks.get(m.doc_id, 0)) for m in listed], total=len(documents),
        counts={field: [FacetCountOut(value=c.value, count=c.count) for c in found]
                for field, found in library.counts(listed).items()})


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


@router.post("", response_model=UploadResponse | BatchUploadResponse, status_code=202, responses=UPLOAD_RESPONSES,
             summary="Add plans (admin)")
def upload_document(
    _: AdminDep,
    state: StateDep,
    settings: SettingsDep,
    snapshot: SnapshotDep,
    response: Response,
    file: Annotated[list[UploadFile], File(description=".txt (UTF-8 or GBK), .docx or .pdf; repeat the field "
                                                       "to send several files (POLICYQA_MAX_UPLOAD_FILES)")],
    city: Annotated[str, Form(max_length=40, description="地方, e.g. 某某市; 全国 for a national document. "
                                                          "Default: read from the document")] = "",
    province: Annotated[str, Form(max_length=40)] = "",
    title: Annotated[str, Form(max_length=200, description="Default: the document's title line")] = "",
    doc_number: Annotated[str, Form(max_length=100, description="文号")] = "",
    date: Annotated[str, Form(max_length=10, description="YYYY-MM-DD")] = "",
    issuer: Annotated[str, Form(max_length=100, description="发文机关")] = "",
) -> UploadResponse | BatchUploadResponse:
    """Validate and store one more plan (or several), then index it in the background (a job).

    Needs `Authorization: Bearer <POLICYQA_ADMIN_TOKEN>`. The file is read, checked and stored
    inside the request (refusals are 4xx at once); indexing it (embedding its paragraphs) runs
    as a job: the answer is 202 with `job_id`, and `GET /api/v1/jobs/{job_id}` reports progress.
    Searches keep being answered from the previous index until the new one is swapped in.
    The same text as an indexed plan (whatever its encoding, BOM or line endings) gives 200
    with `duplicate: true`, and nothing changes.

    Several files (the `file` field repeated): each is taken or refused on its own and the
    answer lists them in order (`BatchUploadResponse`): 202 when any was added, 200 when none
    was added but some were duplicates, 422 only when every file was refused. The metadata
    fields describe one file and are refused (422) with several.
    """
    del snapshot  # depended on only so that an upload before the index is loaded gets 503
    if len(file) > settings.max_upload_files:
        raise validation_error(("body", "file"), f"at most {settings.max_upload_files} files per request "
                                                 f"(POLICYQA_MAX_UPLOAD_FILES), got {len(file)}")
    meta = {"city": city, "province": province, "title": title, "doc_number": doc_number,
            "date": date, "issuer": issuer}
    if len(file) > 1:
        given = next((name for name, value in meta.items() if value.strip()), None)
        if given is not None:
            raise validation_error(("body", given), "describes one file: send the files one by one to give it, "
                                                    "or without it (each document's own is read from it)")
        return _upload_several(state, settings.max_upload_bytes, file, response)
    return _upload_one(state, settings.max_upload_bytes, file[0], response, meta)


def _upload_one(state: ApiState, limit: int, file: UploadFile, response: Response, meta: dict[str, str]) -> UploadResponse:
    _stem, suffix = _safe_name(file.filename)
    try:
        check_suffix(suffix)
    except IngestError as exc:
        raise validation_error(("body", "file"), str(exc)) from None
    try:
        meta["city"] = validate_city(meta["city"]) if meta["city"].strip() else ""
    except IngestError as exc:
        raise validation_error(("body", "city"), str(exc).removeprefix("city ")) from None
    data = _read_limited(file, limit)
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


def _upload_several(state: ApiState, limit: int, files: list[UploadFile], response: Response) -> BatchUploadResponse:
    """Each file taken or refused on its own (see `upload_document`)."""
    entries: list[UploadedFile] = []
    for i, upload in enumerate(files):
        stem, suffix = _safe_name(upload.filename)
        name = f"{stem}{suffix}"
        try:
            check_suffix(suffix)
            data = _read_limited(upload, limit)
            outcome = state.submit_upload(data, upload.filename or f"upload{suffix}")
        except HTTPException as exc:  # 413: this file is over the size limit
            entries.append(UploadedFile(filename=name, status="refused", reason=str(exc.detail)))
            continue
        except IngestError as exc:
            entries.append(UploadedFile(filename=name, status="refused", reason=str(exc)))
            continue
        except CorpusStoreError as exc:  # the stored corpus is damaged: nothing more can be added
            log.error("upload refused: %s", exc)
            if not any(e.status != "refused" for e in entries):
                raise HTTPException(503, f"plans cannot be added right now: {exc}") from None
            reason = f"plans cannot be added right now: {exc}"
            entries.extend(UploadedFile(filename="".join(_safe_name(f.filename)), status="refused", reason=reason)
                           for f in files[i:])
            break
        if outcome.job is None:
            entries.append(UploadedFile(filename=name, status="duplicate", doc_id=outcome.doc_id, title=outcome.title,
                                        chunks=outcome.chunks))
        else:
            entries.append(UploadedFile(filename=name, status="added", doc_id=outcome.doc_id, title=outcome.title,
                                        chunks=outcome.chunks, job_id=outcome.job.job_id,
                                        job_url=f"/api/v1/jobs/{outcome.job.job_id}"))
    counts = {status: sum(e.status == status for e in entries) for status in ("added", "duplicate", "refused")}
    log.info("upload of %d files: %d added, %d duplicate, %d refused", len(files), counts["added"],
             counts["duplicate"], counts["refused"])
    if counts["refused"] == len(entries):
        raise RequestValidationError([{"loc": ("body", "file", i), "msg": f"{e.filename}: {e.reason}",
                                       "type": "value_error"} for i, e in enumerate(entries)])
    response.status_code = 202 if counts["added"] else 200
    return BatchUploadResponse(files=entries, **counts)
