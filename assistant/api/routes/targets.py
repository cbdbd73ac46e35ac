"""GET /targets: quantitative targets extracted from the plans, with their canonical indicator
and domain and the level and province of the place stating them, filtered by indicator
(synonyms merged), city, province, year and unit; GET /indicators: the canonical indicators with
their domain and counts (assistant.indicators, assistant.explorer)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assistant.api.deps import SnapshotDep, resolve_cities
from assistant.api.errors import COMMON_RESPONSES, clip, validation_error
from assistant.api.schemas import IndicatorList, IndicatorOut, TargetList, TargetOut
from assistant.indicators import DOMAIN_ORDER
from index.filters import MAX_TEXT
from corpus.hierarchy import contains, resolve_place
from corpus.places import same_city
from corpus.text import fold

router = APIRouter(tags=["targets"])
_MIN_YEAR, _MAX_YEAR = 2000, 2100


@router.get("/targets", response_model=TargetList, responses=COMMON_RESPONSES, summary="Quantitative targets")
def list_targets(
    snapshot: SnapshotDep,
    city: Annotated[str | None, Query(max_length=40, description="铁岭市 or 铁岭; unknown names give 422.")] = None,
    indicator: Annotated[str | None, Query(
        max_length=100,
        description="Canonical indicator, a synonym (单位GDP能耗) or a plan's name: its targets; otherwise "
                    "the targets of every indicator whose names contain it.")] = None,
    year: Annotated[int | None, Query(ge=_MIN_YEAR, le=_MAX_YEAR, description="Target year, e.g. 2025.")] = None,
    unit: Annotated[str | None, Query(max_length=20, description="Unit as extracted, e.g. % or 万吨.")] = None,
    province: Annotated[str | None, Query(
        max_length=MAX_TEXT, description="河南 or 河南省: the targets of the province and of its cities and counties; "
                                         "unknown names give 422.")] = None,
) -> TargetList:
    wanted = resolve_cities(snapshot, [city], ("query", "city"), indexed=False)[0] if city and city.strip() else None
    explorer = snapshot.explorer
    within = None
    if province and province.strip():
        within = resolve_place(province, kind="province")
        if within is None:
            raise validation_error(("query", "province"), f"unknown province {clip(province.strip())!r}; "
                                                          "give a province or 直辖市, e.g. 河南 or 河南省")
    canonical = explorer.catalog.canonical
    selected = None
    if indicator and indicator.strip():
        selected = {ind.name for ind in explorer.catalog.lookup(indicator.strip())}
    rows = []
    for t in snapshot.targets:
        name = canonical(t.indicator)
        if (wanted and not same_city(t.city, wanted)) or (selected is not None and name not in selected):
            continue
        if (year is not None and t.year != year) or (unit is not None and fold(t.unit) != fold(unit.strip())):
            continue
        place = explorer.place(t.city)
        if within is not None and not contains(within, place.name, place.province, place.prefecture):
            continue
        ind = explorer.catalog.indicator(name)
        rows.append(TargetOut.from_target(t, _chunk(snapshot, t.chunk_id), name, ind.domain if ind else "", place))
    return TargetList(targets=rows)


def _chunk(snapshot: SnapshotDep, chunk_id: str):  # noqa: ANN202 - Chunk | None
    try:
        return snapshot.index.get_chunk(chunk_id)
    except KeyError:
        return None


@router.get("/indicators", response_model=IndicatorList, responses=COMMON_RESPONSES,
            summary="Canonical indicators with domain and counts")
def list_indicators(
    snapshot: SnapshotDep,
    q: Annotated[str | None, Query(max_length=100, description="Search words (单位GDP能耗, 清洁取暖); best first.")] = None,
    domain: Annotated[str | None, Query(max_length=10, description=f"One of {'、'.join(DOMAIN_ORDER)}.")] = None,
) -> IndicatorList:
    if domain is not None and domain.strip() not in DOMAIN_ORDER:
        raise validation_error(("query", "domain"), f"unknown domain {domain.strip()!r}; known: {', '.join(DOMAIN_ORDER)}")
    explorer = snapshot.explorer
    found = explorer.catalog.search(q) if q and q.strip() else explorer.catalog.indicators
    out = []
    for ind in found:
        if domain is not None and ind.domain != domain.strip():
            continue
        figures, cities = explorer.counts(ind.name)
        if figures:
            out.append(IndicatorOut.from_indicator(ind, figures, cities))
    return IndicatorList(indicators=out)
