"""GET /targets?city=&indicator=: quantitative targets extracted from the plans at index time."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assistant.api.deps import SnapshotDep, resolve_cities
from assistant.api.errors import COMMON_RESPONSES
from assistant.api.schemas import TargetList, TargetOut
from assistant.targets import targets_table

router = APIRouter(prefix="/targets", tags=["targets"])


@router.get("", response_model=TargetList, responses=COMMON_RESPONSES, summary="Quantitative targets")
def list_targets(
    snapshot: SnapshotDep,
    city: Annotated[str | None, Query(max_length=40, description="铁岭市 or 铁岭; unknown names give 422.")] = None,
    indicator: Annotated[str | None, Query(max_length=100, description="Indicator name (or part of it).")] = None,
) -> TargetList:
    wanted = resolve_cities(snapshot, [city], ("query", "city"), indexed=False)[0] if city and city.strip() else None
    rows = targets_table(snapshot.targets, city=wanted, indicator=(indicator or "").strip() or None)
    return TargetList(targets=[TargetOut.from_target(t, snapshot.index.get_chunk(t.chunk_id)) for t in rows])
