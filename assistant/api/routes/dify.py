"""Dify External Knowledge API: POST /api/v1/dify/retrieval.

In Dify (知识库 → 外部知识库 API) register the endpoint `http://HOST:PORT/api/v1/dify` (Dify
appends /retrieval) with POLICYQA_DIFY_API_KEY as its API key, then connect a knowledge base
whose 外部知识库 ID is a place (铁岭 or 铁岭市, 河南: the province's plans and its cities'), a
doc_id (tieling) or `all`. `metadata_condition` filters the plans by doc_id or by the metadata
filters of POST /api/v1/search (level, province, city, doc_type, year, issuer): `is` / `in`
read a value as those filters do (河南 contains 安阳市's plan; 发改委 names 国家发展和改革委员会),
contains / start with / end with compare the stored text, and year also takes =, ≠, >, <, ≥, ≤,
before and after.

Records come from the same search as POST /api/v1/search (`search.run_search`). `score` is
the fused score relative to the best record of the response (the first record scores 1.0),
so `score_threshold` keeps the records at least that close to the best one. Errors are the
spec's `{"error_code", "error_msg"}`: 1001 (no or malformed bearer header) and 1002 (wrong
key) with HTTP 403, 2001 (unknown knowledge_id) with 404; for the failures the spec has no
code for (invalid request 422, index not loaded 503) `error_code` is the HTTP status.
"""
from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from assistant.api.deps import SettingsDep, SnapshotDep, check_text
from assistant.api.errors import field_name, validation_error
from assistant.api.routes.search import run_search
from assistant.api.schemas import EXAMPLE_QUERY, MAX_TOP_K, ErrorResponse
from assistant.api.state import Snapshot
from corpus.hierarchy import documents_within, resolve_place
from corpus.model import DocumentMeta
from index.filters import FilterError, document_holds, normalize
from index.types import Filters

ALL = "all"
BAD_HEADER, AUTH_FAILED, UNKNOWN_KNOWLEDGE = 1001, 1002, 2001


class DifyError(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"error_code": 1001, "error_msg": "Invalid Authorization header format. Expected 'Bearer <api-key>' format."},
        {"error_code": 2001, "error_msg": "The knowledge does not exist: '火星'"}]})

    error_code: int
    error_msg: str


class DifyFailure(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _reply(status: int, code: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(DifyError(error_code=code, error_msg=message).model_dump(), status_code=status,
                        headers=headers)


class DifyRoute(APIRoute):
    """Every failure of these routes in the spec's `{error_code, error_msg}` shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except DifyFailure as exc:
                return _reply(exc.status, exc.code, str(exc))
            except RequestValidationError as exc:
                issues = list(exc.errors())
                names = ["body" if i.get("type") == "json_invalid" else field_name(i.get("loc", ())) for i in issues]
                message = "; ".join(f"{n}: {i.get('msg', 'invalid value')}" for n, i in zip(names[:5], issues))
                return _reply(422, 422, message or "invalid request")
            except HTTPException as exc:
                return _reply(exc.status_code, exc.status_code, str(exc.detail), exc.headers)

        return route


router = APIRouter(prefix="/dify", tags=["dify"], route_class=DifyRoute)
_bearer = HTTPBearer(auto_error=False, scheme_name="DifyApiKey", description="POLICYQA_DIFY_API_KEY of the server")


def require_dify_key(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """No check when POLICYQA_DIFY_API_KEY is unset; otherwise 1001 / 1002 with HTTP 403."""
    if settings.dify_api_key is None:
        return
    if credentials is None:
        raise DifyFailure(403, BAD_HEADER, "Invalid Authorization header format. Expected 'Bearer <api-key>' format.")
    expected = settings.dify_api_key.get_secret_value().encode("utf-8")
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected):  # constant time
        raise DifyFailure(403, AUTH_FAILED, "Authorization failed")


# --- request and response -------------------------------------------------------------------


class RetrievalSetting(BaseModel):
    model_config = ConfigDict(extra="allow")

    top_k: int = Field(ge=1, description=f"At most this many records (more than {MAX_TOP_K} is read as {MAX_TOP_K}).")
    score_threshold: float = Field(0.0, ge=0.0, le=1.0, description="Drop records scoring below this (0 = keep all).")


Operator = Literal["is", "is not", "in", "not in", "contains", "not contains", "start with", "end with",
                   "empty", "not empty", "=", "≠", ">", "<", "≥", "≤", "before", "after"]
# Dify's operators for numbers and dates: for `year` only.
NUMERIC: dict[str, Callable[[int, int], bool]] = {
    "=": lambda a, b: a == b, "≠": lambda a, b: a != b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
    "≥": lambda a, b: a >= b, "≤": lambda a, b: a <= b, "before": lambda a, b: a < b, "after": lambda a, b: a > b}
ConditionName = Literal["city", "doc_id", "level", "province", "doc_type", "year", "issuer"]


class Condition(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: ConditionName = Field(description="The metadata field: doc_id, or a filter of POST /api/v1/search "
                                            "(level, province, city, doc_type, year, issuer).")
    comparison_operator: Operator
    value: str | int | float | list[str] | None = Field(
        None, description="A list for in / not in; a number for year's =, ≠, >, <, ≥, ≤, before, after; "
                          "none for empty / not empty.")


class MetadataCondition(BaseModel):
    model_config = ConfigDict(extra="allow")

    logical_operator: Literal["and", "or"] = "and"
    conditions: list[Condition] = Field(min_length=1, max_length=20)


class RetrievalRequest(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"knowledge_id": "铁岭", "query": EXAMPLE_QUERY, "retrieval_setting": {"top_k": 3, "score_threshold": 0.5}},
        {"knowledge_id": ALL, "query": "清洁取暖", "retrieval_setting": {"top_k": 5, "score_threshold": 0.0},
         "metadata_condition": {"logical_operator": "and", "conditions": [
             {"name": "city", "comparison_operator": "in", "value": ["铁岭", "安阳"]}]}},
    ]})

    knowledge_id: str = Field(min_length=1, max_length=100,
                              description="A place (铁岭 / 铁岭市, 河南), a doc_id or 'all'.")
    query: str = Field(min_length=1, description="The question; at most POLICYQA_MAX_QUERY_CHARS characters.")
    retrieval_setting: RetrievalSetting
    metadata_condition: MetadataCondition | None = None


class RecordMetadata(BaseModel):
    city: str
    citation: str
    chunk_id: str
    doc_id: str
    section: str = Field(description="Full heading texts, outermost first, joined by ' / '.")
    section_path: str
    highlight: str = Field(description="The sentence of `content` that best matches the query.")


class Record(BaseModel):
    content: str
    score: float = Field(description="0–1: the fused score relative to the best record (1.0).")
    title: str
    metadata: RecordMetadata


class RetrievalResponse(BaseModel):
    records: list[Record]


# --- knowledge and metadata filters ---------------------------------------------------------


def _knowledge(snapshot: Snapshot, knowledge_id: str) -> list[DocumentMeta]:
    """The documents of a knowledge id: all, one doc_id, or a place's (corpus.hierarchy: 河南 is
    河南省's documents and its cities' and counties'); 2001 when it names none of them."""
    documents = list(snapshot.index.documents)
    wanted = knowledge_id.strip()
    if wanted.lower() == ALL:
        return documents
    by_id = [d for d in documents if d.doc_id == wanted]
    if by_id:
        return by_id
    place = resolve_place(wanted, snapshot.cities, kind="city")
    within = documents_within(place, documents) if place is not None else []
    if not within:
        raise DifyFailure(404, UNKNOWN_KNOWLEDGE, f"The knowledge does not exist: {wanted!r}; use a place "
                          f"({', '.join(snapshot.cities)}, or a province of theirs), a doc_id or '{ALL}'")
    return within


def _values(cond: Condition, i: int) -> list[str | int]:
    loc = ("body", "metadata_condition", "conditions", i, "value")
    op = cond.comparison_operator
    if op in ("empty", "not empty"):
        return []
    value = cond.value
    if value is None or value == [] or value == "":
        raise validation_error(loc, f"'{op}' needs a value")
    if op in NUMERIC:
        if cond.name != "year":
            raise validation_error(loc, f"'{op}' compares numbers: it applies to year only")
        year = _year(value)
        if year is None:
            raise validation_error(loc, f"'{op}' needs a whole number, e.g. 2022")
        return [year]
    if op in ("in", "not in"):
        items = value if isinstance(value, list) else str(value).split(",")
        return [v.strip() for v in items if v.strip()]
    if isinstance(value, list):
        raise validation_error(loc, f"'{op}' takes one value, not a list")
    return [str(value).strip()]


def _year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def _field(name: str, doc: DocumentMeta) -> str:
    """The document's value of a condition's field, as stored (year: the date's year)."""
    return doc.date[:4] if name == "year" else str(getattr(doc, name))


def _normalised(name: str, value: str, snapshot: Snapshot) -> str | int | None:
    """A value of `is` / `in` as index.filters reads it (河南 -> 河南省, "2022" -> 2022); None
    when it names nothing known (the condition then holds for no document)."""
    try:
        if name == "year":
            year = _year(value)
            return normalize(Filters(year=year), snapshot.index.documents).year if year is not None else None
        given = Filters(level=value if name == "level" else "", province=value if name == "province" else "",
                        city=value if name == "city" else "", doc_type=value if name == "doc_type" else "",
                        issuer=value if name == "issuer" else "")
        return getattr(normalize(given, snapshot.index.documents), name)
    except FilterError:
        return None


def _equal(name: str, value: str | int | None, doc: DocumentMeta) -> bool:
    if value is None:
        return False
    if name == "doc_id":
        return doc.doc_id == value
    return document_holds(name, value, doc)  # the filters' semantics: places contain their places


def _holds(cond: Condition, values: Sequence[str | int], doc: DocumentMeta, snapshot: Snapshot) -> bool:
    op, name = cond.comparison_operator, cond.name
    actual = _field(name, doc)
    if op in NUMERIC:
        return actual.isdigit() and NUMERIC[op](int(actual), int(values[0]))
    if op in ("is", "is not", "in", "not in"):
        wanted = [v if name == "doc_id" else _normalised(name, str(v), snapshot) for v in values]
        found = any(_equal(name, v, doc) for v in wanted)
        return found if op in ("is", "in") else not found
    first = str(values[0]) if values else ""
    tests = {
        "contains": lambda: first in actual, "not contains": lambda: first not in actual,
        "start with": lambda: actual.startswith(first), "end with": lambda: actual.endswith(first),
        "empty": lambda: not actual, "not empty": lambda: bool(actual),
    }
    return tests[op]()


def _filter(documents: list[DocumentMeta], condition: MetadataCondition | None, snapshot: Snapshot):
    if condition is None:
        return documents
    checks = [(c, _values(c, i)) for i, c in enumerate(condition.conditions)]
    combine = all if condition.logical_operator == "and" else any
    return [d for d in documents if combine(_holds(c, v, d, snapshot) for c, v in checks)]


# --- route ------------------------------------------------------------------------------------


@router.post(
    "/retrieval", response_model=RetrievalResponse, summary="Dify external knowledge retrieval",
    responses={400: {"model": DifyError, "description": "Unreadable body (error_code 400)"},
               403: {"model": DifyError, "description": "1001 bad Authorization header, 1002 wrong key"},
               404: {"model": DifyError, "description": "2001 unknown knowledge_id"},
               413: {"model": ErrorResponse, "description": "Request body too large"},
               422: {"model": DifyError, "description": "Invalid request (error_code 422)"},
               503: {"model": DifyError, "description": "Index not loaded yet (error_code 503)"}},
)
def retrieval(body: RetrievalRequest, snapshot: SnapshotDep, settings: SettingsDep,
              _: Annotated[None, Depends(require_dify_key)]) -> RetrievalResponse:
    """The best paragraphs of the chosen plans for `query`, as Dify's external knowledge API
    expects; `{"records": []}` when the metadata condition leaves no plan or nothing scores
    above the threshold."""
    query = check_text(body.query, ("body", "query"), settings)
    documents = _filter(_knowledge(snapshot, body.knowledge_id), body.metadata_condition, snapshot)
    if not documents or not any(ch.isalnum() for ch in query):
        return RetrievalResponse(records=[])
    top_k = min(body.retrieval_setting.top_k, MAX_TOP_K)
    wanted = tuple(d.doc_id for d in documents)
    # The chosen plans as a doc_id filter (index.filters), the search's own: the question's
    # places still narrow it (a question naming 安阳 in knowledge `all` searches 安阳市's plans).
    every = len(wanted) == len(snapshot.index.documents)
    found = run_search(snapshot, settings, query=query, top_k=top_k, cities=(), mode="hybrid", history=(),
                       part="body", filters=None if every else Filters(doc_ids=wanted))
    results = found.results
    best = max((r.score for r in results), default=0.0)
    records = []
    for r in results:
        score = round(r.score / best, 4) if best > 0 else 0.0
        if score < body.retrieval_setting.score_threshold:
            continue
        chunk = snapshot.index.get_chunk(r.chunk_id)
        records.append(Record(content=r.text, score=score, title=chunk.title, metadata=RecordMetadata(
            city=r.city, citation=r.citation, chunk_id=r.chunk_id, doc_id=r.doc_id, section=" / ".join(r.section),
            section_path=r.section_path, highlight=r.highlight)))
    return RetrievalResponse(records=records)
