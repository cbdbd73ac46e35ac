"""GET /jobs/{job_id}: progress of an upload's indexing job (admin)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path as PathParam

from assistant.api.deps import AdminDep, StateDep
from assistant.api.errors import COMMON_RESPONSES, NOT_FOUND, clip
from assistant.api.schemas import ErrorResponse, JobOut

router = APIRouter(prefix="/jobs", tags=["documents"])


ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No bearer token"},
    403: {"model": ErrorResponse, "description": "Wrong token, or ingestion disabled (no POLICYQA_ADMIN_TOKEN)"},
}


@router.get("/{job_id}", response_model=JobOut, responses={**COMMON_RESPONSES, **NOT_FOUND, **ADMIN_RESPONSES},
            summary="Progress of an upload (admin)")
def get_job(_: AdminDep, state: StateDep,
            job_id: Annotated[str, PathParam(examples=["3f0c2a9be41d4c6f8e1b7a5d9c0e2f41"])]) -> JobOut:
    """`queued` → `running` (with `embedded` / `to_embed`) → `done` (searchable) or `failed`
    (`error` says why). Job records survive a restart; an unfinished one is resumed."""
    job = state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"unknown job_id {clip(job_id)!r}")
    return JobOut(job_id=job.job_id, doc_id=job.doc_id, status=job.status, chunks=job.chunks,
                  embedded=job.embedded, to_embed=job.to_embed, error=job.error, resumed=job.resumed,
                  created_at=job.created_at, updated_at=job.updated_at)
