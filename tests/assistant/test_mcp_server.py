"""The MCP server through the official `mcp` client: a session over stdio (`python -m assistant
mcp` as a subprocess) and one over streamable HTTP (/mcp of a real server on loopback)."""
from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from policyqa.app import create_app
from tests.assistant.api.conftest import make_settings

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
TOOLS = {"search_plans", "answer_question", "list_documents", "get_targets"}
TIELING_CLAUSE = "城镇清洁取暖率达到70%以上"

Check = Callable[[ClientSession], Awaitable[dict[str, Any]]]


async def _exercise(session: ClientSession) -> dict[str, Any]:
    """What a client does: list the tools, then call each; returns what the tests assert on."""
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    out: dict[str, Any] = {"tools": tools}
    out["search"] = await session.call_tool("search_plans", {"query": "2025年城镇清洁取暖率", "city": "铁岭", "top_k": 3})
    out["answer"] = await session.call_tool("answer_question", {"question": "那安阳呢？",
                                                                "history": ["铁岭 2025年城镇清洁取暖率"]})
    out["documents"] = await session.call_tool("list_documents", {})
    out["some_documents"] = await session.call_tool("list_documents", {"title": "节能减排 实施", "province": "河南"})
    out["bad_documents"] = await session.call_tool("list_documents", {"doc_type": "小说"})
    out["targets"] = await session.call_tool("get_targets", {"city": "铁岭", "indicator": "清洁取暖率"})
    out["bad_city"] = await session.call_tool("search_plans", {"query": "清洁取暖", "city": "火星"})
    out["bad_top_k"] = await session.call_tool("search_plans", {"query": "清洁取暖", "top_k": 0})
    out["long_question"] = await session.call_tool("answer_question", {"question": "长" * 600})
    out["bad_level"] = await session.call_tool("search_plans", {"query": "清洁取暖", "level": "乡"})
    return out


def _check(out: dict[str, Any]) -> None:
    tools = out["tools"]
    assert set(tools) == TOOLS
    assert tools["search_plans"].input_schema["required"] == ["query"]
    filters = {"level", "province", "city", "doc_type", "year", "issuer"}  # the API's `filters` fields
    assert {"query", "top_k"} | filters == set(tools["search_plans"].input_schema["properties"])
    assert {"title"} | filters == set(tools["list_documents"].input_schema["properties"])
    assert {"question", "history"} | filters == set(tools["answer_question"].input_schema["properties"])
    assert tools["search_plans"].output_schema and tools["answer_question"].output_schema
    assert all(t.annotations and t.annotations.read_only_hint for t in tools.values())

    search = out["search"]
    assert not search.is_error
    first = search.structured_content["results"][0]
    assert TIELING_CLAUSE in first["text"] and first["city"] == "铁岭市"
    assert first["citation"] == "《铁岭市“十四五”节能减排综合工作方案》三、（三） 第1段"

    answer = out["answer"].structured_content
    assert "安阳" in answer["answer"] and answer["citations"]
    assert all(c["city"] == "安阳市" for c in answer["citations"])
    assert len(answer["answer_id"]) == 32  # feedback on it goes to POST /api/v1/feedback

    documents = out["documents"].structured_content["documents"]
    assert {d["doc_id"] for d in documents} >= {"tieling", "anyang", "anshun", "sanmenxia", "dingzhou"}
    some = out["some_documents"].structured_content  # the 文件库 listing: filters and title words
    assert [d["doc_id"] for d in some["documents"]] == ["anyang"] and some["counts"]["level"] == [{"value": "市", "count": 1}]
    assert out["bad_documents"].is_error and "doc_type: unknown kind '小说'" in out["bad_documents"].content[0].text
    targets = out["targets"].structured_content["targets"]
    assert any(t["value"] == "70%" and t["citation"] for t in targets)

    for bad in (out["bad_city"], out["bad_top_k"], out["long_question"]):
        assert bad.is_error and bad.content[0].text
    assert "city: unknown city '火星'" in out["bad_city"].content[0].text and "铁岭市" in out["bad_city"].content[0].text
    assert "level" in out["bad_level"].content[0].text and out["bad_level"].is_error
    assert "question: at most 500 characters" in out["long_question"].content[0].text


def test_stdio_session(search_index):
    params = StdioServerParameters(command=sys.executable, cwd=str(REPO),
                                   args=["-m", "assistant", "--data-dir", str(search_index.data_dir), "mcp"])

    async def main() -> dict[str, Any]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            return await _exercise(session)

    _check(anyio.run(main))


def test_streamable_http_session(live_url):
    async def main() -> dict[str, Any]:
        async with streamable_http_client(f"{live_url}/mcp") as (read, write), ClientSession(read, write) as session:
            return await _exercise(session)

    _check(anyio.run(main))


def test_http_endpoint_refuses_browser_origins(live_url):
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
    headers = {"Accept": "application/json, text/event-stream", "Origin": "http://evil.example"}
    resp = httpx.post(f"{live_url}/mcp", json=init, headers=headers, timeout=30)
    assert resp.status_code == 403 and "POLICYQA_CORS_ORIGINS" in resp.json()["message"]


def test_http_endpoint_is_503_outside_the_lifespan(search_index):
    client = TestClient(create_app(make_settings(), index=search_index))  # no `with`: no lifespan
    resp = client.post("/mcp", json={}, headers={"Accept": "application/json, text/event-stream"})
    assert resp.status_code == 503 and resp.json()["message"]


# --- metadata filters: the tools' optional arguments, over documents of every level ------------

from tests.filter_cases import CHAT_QUESTION, FILTER_CASES, SEARCH_QUERY  # noqa: E402


def test_each_filter_on_both_tools(levels_url):
    async def main() -> list[tuple[set[str], set[str], set[str]]]:
        out = []
        async with streamable_http_client(f"{levels_url}/mcp") as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            for filters, places in FILTER_CASES:
                found = await session.call_tool("search_plans", {"query": SEARCH_QUERY, "top_k": 50, **filters})
                answer = await session.call_tool("answer_question", {"question": CHAT_QUESTION, **filters})
                assert not found.is_error and not answer.is_error, (found.content, answer.content)
                out.append(({r["city"] for r in found.structured_content["results"]},
                            {c["city"] for c in answer.structured_content["citations"]}, places))
            bad = await session.call_tool("answer_question", {"question": "能耗", "province": "火星"})
            assert bad.is_error and "province: unknown province '火星'" in bad.content[0].text
        return out

    for searched, cited, places in anyio.run(main):
        assert searched == places
        assert cited and cited <= places
