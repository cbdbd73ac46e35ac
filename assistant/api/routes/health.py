"""GET /healthz (the process is up) and GET /readyz (the index is loaded and searchable)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.api.deps import StateDep
from assistant.api.errors import error_body
from assistant.api.schemas import ErrorResponse, Health, Ready, UnavailablePlan
from assistant.api.state import NotReadyError

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, summary="Readiness",
            responses={503: {"model": ErrorResponse, "description": "Index still loading, or failed to load"}})
def readyz(state: StateDep) -> Ready | JSONResponse:
    try:
        snap = state.current()
    except NotReadyError as exc:
        return JSONResponse(error_body(f"not ready: {exc}"), status_code=503, headers={"Retry-After": "5"})
    manifest = snap.index.manifest
    unavailable = [UnavailablePlan(doc_id=p.doc_id, file=p.file, reason=state._public(p.reason))
                   for p in snap.problems]
    return Ready(
        status="degraded" if unavailable else "ready",
        indexing=state.indexing,
        unavailable=unavailable,
        corpus_hash=manifest.corpus_hash,
        index_version=str(manifest.format_version),
        built_at=manifest.built_at,
        embedder=manifest.embedder_id,
        documents=len(snap.index.documents),
        chunks=len(snap.index.chunks),
    )
