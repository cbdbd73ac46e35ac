"""MCP server (official `mcp` SDK, `MCPServer`): the plans as tools for MCP clients.

`python -m assistant mcp` serves it over stdio; `python -m assistant serve` also serves it over
streamable HTTP at /mcp. Each tool calls what the matching HTTP route calls (search.run_search,
chat.answer_messages, the documents and targets routes) and returns the same typed record as
structured content, so a tool answer and an API answer never differ.
"""
from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any, TypeVar

from fastapi.exceptions import RequestValidationError
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from pydantic import Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.errors import error_body, field_name
from assistant.api.routes import documents as documents_route
from assistant.api.routes import targets as targets_route
from assistant.api.routes.chat import answer_messages
from assistant.api.routes.feedback import remember
from assistant.api.routes.search import run_search
from assistant.api.schemas import MAX_TOP_K, ChatResponse, DocumentList, Level, SearchResponse, TargetList
from assistant.api.state import ApiState, NotReadyError, Snapshot
from index.filters import MAX_TEXT, MAX_YEAR, MIN_YEAR
from index.types import Filters

NAME = "policy-qa"
HTTP_PATH = "/mcp"
INSTRUCTIONS = (
    "检索各地“十四五”节能减排综合工作方案（铁岭、安阳、安顺、三门峡、定州等）。"
    "answer_question 给出带编号出处的摘录式回答（数字均引自原文）；search_plans 返回排序后的原文段落；"
    "两者均可按级别 level、省份 province、地区 city、文种 doc_type、年份 year、发文机关 issuer 筛选；"
    "list_documents 列出已收录的方案；get_targets 列出从方案中抽取的量化目标。"
)
# The metadata filters of the search and answer tools: the API's `filters` fields, same names.
LevelArg = Annotated[Level | None, Field(description="国家, 省, 市 or 县: the document's level")]
ProvinceArg = Annotated[str | None, Field(
    max_length=MAX_TEXT, description="A province (河南 or 河南省): its documents and its cities' and counties'")]
CityArg = Annotated[str | None, Field(
    max_length=MAX_TEXT, description="A place (安阳 or 安阳市, a county, 全国): its documents and those inside it")]
DocTypeArg = Annotated[str | None, Field(max_length=MAX_TEXT, description="The kind: 方案, 规划, 意见, 通知, 办法 …")]
YearArg = Annotated[int | None, Field(ge=MIN_YEAR, le=MAX_YEAR, description="The year of the document's date")]
IssuerArg = Annotated[str | None, Field(
    max_length=MAX_TEXT, description="An issuing body or part of its name (国家发展改革委, 发改委, 河南省人民政府)")]
FILTER_RENAMES = {f"filters.{name}": name for name in ("level", "province", "city", "doc_type", "year", "issuer")}
READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)
T = TypeVar("T")


def _validation_message(exc: RequestValidationError, renames: Mapping[str, str]) -> str:
    names = (field_name(e.get("loc", ())) for e in exc.errors())
    return "; ".join(f"{renames.get(n, n)}: {e.get('msg', 'invalid value')}" for n, e in zip(names, exc.errors()))


@contextmanager
def _tool_errors(renames: Mapping[str, str]) -> Iterator[None]:
    """The API's 422 / 503 become tool errors (is_error results the model can read), with the
    API's field names turned into the tool's parameter names (`renames`)."""
    try:
        yield
    except RequestValidationError as exc:
        raise ToolError(_validation_message(exc, renames)) from None
    except HTTPException as exc:
        raise ToolError(str(exc.detail)) from None


def _quiet_server(**kwargs: Any) -> MCPServer:
    """MCPServer(...) without its side effect on the root logger (it calls logging.basicConfig
    with a rich handler at INFO): logging stays configured by the entry points (uvicorn, CLI)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    server = MCPServer(**kwargs)
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    return server


def build_server(state: ApiState) -> MCPServer:
    """The four tools over whatever `state` serves (the live snapshot, swapped on uploads)."""
    server = _quiet_server(name=NAME, title="节能减排政策问答", instructions=INSTRUCTIONS, version="1.0.0")
    settings = state.settings

    def snapshot() -> Snapshot:
        try:
            return state.current()
        except NotReadyError as exc:
            raise ToolError(f"not ready: {exc}; try again in a few seconds") from None

    def call(fn: Callable[[Snapshot], T], **renames: str) -> T:
        with _tool_errors(renames):
            return fn(snapshot())

    @server.tool(title="检索方案条文", annotations=READ_ONLY)
    def search_plans(
        query: Annotated[str, Field(description="The question, e.g. 铁岭 2025年城镇清洁取暖率")],
        top_k: Annotated[int, Field(ge=1, le=MAX_TOP_K, description="How many paragraphs")] = 5,
        level: LevelArg = None, province: ProvinceArg = None, city: CityArg = None, doc_type: DocTypeArg = None,
        year: YearArg = None, issuer: IssuerArg = None,
    ) -> SearchResponse:
        """Best-first paragraphs of the plans, each with its citation (document, section,
        paragraph) and the best-matching sentence (`highlight`). The optional filters (level,
        province, city, doc_type, year, issuer) restrict the documents searched."""
        filters = Filters(level=level or "", province=province or "", city=city or "", doc_type=doc_type or "",
                          year=year, issuer=issuer or "")
        return call(lambda snap: run_search(snap, settings, query=query, top_k=top_k, cities=(), mode="hybrid",
                                            history=(), part="body", filters=filters), **FILTER_RENAMES)

    @server.tool(title="回答政策问题", annotations=READ_ONLY)
    def answer_question(
        question: Annotated[str, Field(description="The question, e.g. 铁岭2025年城镇清洁取暖率目标是多少？")],
        history: Annotated[list[str] | None, Field(
            description="Earlier questions of the conversation, oldest first, for follow-ups such as 那安阳呢？")] = None,
        level: LevelArg = None, province: ProvinceArg = None, city: CityArg = None, doc_type: DocTypeArg = None,
        year: YearArg = None, issuer: IssuerArg = None,
    ) -> ChatResponse:
        """An extractive answer in Chinese with numbered citations; every figure is quoted from
        a cited sentence, never generated. `kind` says what sort of answer it is (figure,
        absent, comparison, measure, responsibility, not_found). The optional filters (level,
        province, city, doc_type, year, issuer) restrict the documents it draws on."""
        messages = [("user", turn) for turn in history or ()] + [("user", question)]
        last = len(messages) - 1
        renames = {f"messages[{i}].content": f"history[{i}]" for i in range(last)}
        renames.update({f"messages[{last}].content": "question", "messages": "history", **FILTER_RENAMES})
        filters = Filters(level=level or "", province=province or "", city=city or "", doc_type=doc_type or "",
                          year=year, issuer=issuer or "")

        def answer(snap: Snapshot) -> ChatResponse:
            given = answer_messages(snap, settings, messages, filters=filters)
            return ChatResponse.from_answer(given, remember(state, snap, given, messages, "mcp"))

        return call(answer, **renames)

    @server.tool(title="已收录的方案", annotations=READ_ONLY)
    def list_documents(
        title: Annotated[str | None, Field(max_length=MAX_TEXT, description="Title words (or the 文号), e.g. 节能减排 方案")] = None,
        level: LevelArg = None, province: ProvinceArg = None, city: CityArg = None, doc_type: DocTypeArg = None,
        year: YearArg = None, issuer: IssuerArg = None,
    ) -> DocumentList:
        """The indexed documents (doc_id, place, level, kind, title, issuer, document number,
        date, pages, paragraphs), as the chat page's 文件库 lists them, with counts by level,
        province, kind and year. The optional filters are a search's; `title` words must all occur."""
        return call(lambda snap: documents_route.list_documents(
            snap, q=title, level=level, province=province, city=city, doc_type=doc_type, year=year, issuer=issuer),
            q="title")

    @server.tool(title="量化目标", annotations=READ_ONLY)
    def get_targets(
        city: Annotated[str | None, Field(description="铁岭 or 铁岭市; all cities when omitted")] = None,
        indicator: Annotated[str | None, Field(description="Indicator name or part of it, e.g. 清洁取暖率")] = None,
    ) -> TargetList:
        """Quantitative targets extracted from the plans (indicator, value as written, year,
        qualifier), each with its verbatim sentence and citation."""
        return call(lambda snap: targets_route.list_targets(snap, city=city, indicator=indicator))

    return server


class McpHttpEndpoint:
    """The streamable-HTTP transport at /mcp, inside the API app (stateless, JSON responses).

    The SDK's session manager runs once per instance, so `running()` (entered by the app's
    lifespan) builds a fresh one each time; outside it /mcp answers 503. A request with an
    Origin header that is not in POLICYQA_CORS_ORIGINS is refused (403): browsers send one,
    MCP clients do not, and that is what stops a web page (or a DNS-rebinding one) from
    calling the tools. The Host header is not checked, so the server works behind any name."""

    def __init__(self, state: ApiState) -> None:
        self.state = state
        self.server = build_server(state)
        self._app: ASGIApp | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        app = self.server.streamable_http_app(
            streamable_http_path=HTTP_PATH, stateless_http=True, json_response=True,
            max_request_body_size=self.state.settings.max_body_bytes,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        async with self.server.session_manager.run():
            self._app = app
            try:
                yield
            finally:
                self._app = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = dict(scope.get("headers") or ()).get(b"origin")
        allowed = self.state.settings.cors_origins
        if origin is not None and "*" not in allowed and origin.decode("latin-1") not in allowed:
            await _json(send, 403, f"origin not allowed for {HTTP_PATH} (POLICYQA_CORS_ORIGINS)")
            return
        if self._app is None:
            await _json(send, 503, "the MCP endpoint is not running")
            return
        await self._app(scope, receive, send)


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps(error_body(detail), ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def serve_stdio(state: ApiState) -> None:
    """Serve the tools over stdin/stdout until the client closes the pipe."""
    build_server(state).run("stdio")
