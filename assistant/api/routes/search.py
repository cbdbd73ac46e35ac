"""POST /search (full form) and GET /search?q= (quick form): ranked paragraphs with citations."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query

from assistant.api.deps import SettingsDep, SnapshotDep, check_search, query_locations
from assistant.api.errors import COMMON_RESPONSES, validation_error
from assistant.api.schemas import (
    EXAMPLE_QUERY, MAX_CITIES, MAX_TOP_K, Mode, SearchRequest, SearchResponse, SearchResult,
)
from index.types import Filters
from policyqa.settings import Settings
from assistant.api.state import Snapshot

router = APIRouter(prefix="/search", tags=["search"])


def run_search(snapshot: Snapshot, settings: Settings, *, query: str, top_k: int, cities: Sequence[str],
               mode: str, history: Sequence[str], part: str, filters: Filters | None = None) -> SearchResponse:
    """The one search path (also behind the MCP `search_plans` tool and the Dify route): checks
    the query, history, cities and metadata filters against the settings and the documents
    (422 naming the field of `part`, "body" or "query")."""
    checked = check_search(snapshot, settings, query, history, cities, filters, part)
    try:
        outcome = snapshot.assistant.search(checked.question, history=checked.history, top_k=top_k,
                                            cities=checked.cities, mode=mode, filters=checked.filters)
    except ValueError as exc:  # e.g. nothing searchable left after normalisation
        raise validation_error(query_locations(part)[0], str(exc)) from None
    results = [SearchResult.from_hit(hit, light) for hit, light in zip(outcome.hits, outcome.highlights)]
    return SearchResponse(query=checked.question, resolved_query=outcome.resolved_query, results=results)


@router.post("", response_model=SearchResponse, responses=COMMON_RESPONSES, summary="Search the plans")
def search(body: SearchRequest, snapshot: SnapshotDep, settings: SettingsDep) -> SearchResponse:
    """Best-first paragraphs for `query`, each with its citation and best-matching sentence.

    `history` (earlier user turns) lets a follow-up such as 那安阳呢？ be resolved;
    `resolved_query` shows what was actually searched. `filters` (level, province, city,
    doc_type, year, issuer) restrict the documents searched; without place filters, a query
    naming a place searches that place's documents (安阳: 安阳市's and its counties').
    """
    return run_search(snapshot, settings, query=body.query, top_k=body.top_k, cities=body.cities,
                      mode=body.mode, history=body.history, part="body",
                      filters=body.filters.to_filters() if body.filters else None)


@router.get("", response_model=SearchResponse, responses=COMMON_RESPONSES, summary="Search (quick form)")
def search_get(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, description="The question.", examples=[EXAMPLE_QUERY])],
    top_k: Annotated[int, Query(ge=1, le=MAX_TOP_K, description="How many paragraphs.")] = 10,
    city: Annotated[list[str], Query(max_length=MAX_CITIES, description="Restrict to a city (repeatable).")] = [],
    mode: Annotated[Mode, Query(description="bm25, dense or hybrid.")] = "hybrid",
) -> SearchResponse:
    """Same as POST without history: `GET /api/v1/search?q=铁岭 清洁取暖&top_k=3&city=铁岭`."""
    return run_search(snapshot, settings, query=q, top_k=top_k, cities=city, mode=mode, history=(), part="query")
