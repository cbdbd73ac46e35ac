"""Bad input through the real ASGI app, the CLI and the chat answer path.

Every row gets a clear 4xx with a one-line `message` naming the field (or a sensible result),
never a 500, a stack trace, or an echo of a large input. The table in docs/RELIABILITY.md
lists each row with the behaviour observed here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.citations import figures_supported
from assistant.service import Assistant

pytestmark = pytest.mark.slow

SEARCH, CHAT = "/api/v1/search", "/api/v1/chat"
KB10 = "清洁取暖" * 2560  # 10 KB of UTF-8 (10,240 characters)
MB1 = "a" * (1024 * 1024)
JSON = {"content-type": "application/json"}
KINDS = {"figure", "absent", "comparison", "measure", "responsibility", "not_found", "empty"}

# Valid but hostile-looking text: answered like any other question.
ODD_TEXTS = {
    "control-chars": "铁岭\x00\x01\x1b[31m清洁取暖率\u202e\u200b",
    "emoji": "铁岭 清洁取暖率 🔥🌍👍🏽",
    "mixed-scripts": "Ｔｉｅｌｉｎｇ 鐵嶺 清潔取暖率 тест العربية ελληνικά 한국어",
    "html-js": "<script>alert('x')</script><img src=x onerror=alert(1)> 清洁取暖",
    "sql": "清洁取暖' OR '1'='1'; DROP TABLE chunks; --",
}


def _msg(body: dict) -> str:
    return body["message"] if isinstance(body.get("message"), str) else ""


def _clean_failure(resp, status: int, fragment: str) -> None:
    """The status, the error shape, a message with `fragment`, and nothing leaked."""
    assert resp.status_code == status, resp.text[:300]
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert fragment in _msg(body), _msg(body)
    assert "Traceback" not in resp.text and 'File "' not in resp.text
    assert len(resp.content) < 4096  # the offending input is never echoed back


def _chat(content: str, history: list[str] = ()) -> dict:
    turns = [{"role": "user", "content": t} for t in history]
    return {"messages": [*turns, {"role": "user", "content": content}]}


# --- API: rows that must be refused ---------------------------------------------------------

REFUSED = [
    # (id, method, path, request kwargs, status, message fragment)
    ("search-empty", "POST", SEARCH, {"json": {"query": ""}}, 422, "query:"),
    ("search-whitespace", "POST", SEARCH, {"json": {"query": " \t\n\u3000 "}}, 422, "query:"),
    ("search-10kb", "POST", SEARCH, {"json": {"query": KB10}}, 422, "query: at most 500 characters"),
    ("search-1mb", "POST", SEARCH, {"json": {"query": MB1}}, 413, "request body too large"),
    ("search-only-symbols", "POST", SEARCH, {"json": {"query": "？？！\x00\x07…"}}, 422, "no letters or digits"),
    ("search-only-emoji", "POST", SEARCH, {"json": {"query": "🔥🔥"}}, 422, "no letters or digits"),
    ("search-top-k-0", "POST", SEARCH, {"json": {"query": "清洁取暖", "top_k": 0}}, 422, "top_k:"),
    ("search-top-k-neg", "POST", SEARCH, {"json": {"query": "清洁取暖", "top_k": -1}}, 422, "top_k:"),
    ("search-top-k-1e9", "POST", SEARCH, {"json": {"query": "清洁取暖", "top_k": 10**9}}, 422, "top_k:"),
    ("search-top-k-abc", "POST", SEARCH, {"json": {"query": "清洁取暖", "top_k": "abc"}}, 422, "top_k:"),
    ("search-unknown-city", "POST", SEARCH, {"json": {"query": "清洁取暖", "cities": ["北京"]}}, 422,
     "unknown city '北京'; known cities: "),
    ("search-unknown-mode", "POST", SEARCH, {"json": {"query": "清洁取暖", "mode": "fuzzy"}}, 422, "mode:"),
    ("search-malformed-json", "POST", SEARCH, {"content": b'{"query": "x",', "headers": JSON}, 422, "body:"),
    ("search-form-content-type", "POST", SEARCH,
     {"content": b"query=x", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 422, ""),
    ("search-text-content-type", "POST", SEARCH,
     {"content": "清洁取暖".encode(), "headers": {"content-type": "text/plain"}}, 422, ""),
    ("search-non-utf8", "POST", SEARCH, {"content": b'{"query": "\xff\xfe\xb0"}', "headers": JSON}, 400,
     "error parsing the body"),
    ("search-lone-surrogate", "POST", SEARCH, {"content": b'{"query": "\\ud800"}', "headers": JSON}, 422, "query:"),
    ("search-history-1000", "POST", SEARCH, {"json": {"query": "那安阳呢", "history": ["铁岭清洁取暖率"] * 1000}},
     422, "history: at most 20 earlier turns"),
    ("search-history-huge-turn", "POST", SEARCH, {"json": {"query": "那安阳呢", "history": [KB10]}}, 422,
     "history[0]: at most 500 characters"),
    ("search-history-1mb", "POST", SEARCH, {"json": {"query": "x", "history": ["清" * 1000] * 400}}, 413,
     "request body too large"),
    ("search-get-empty", "GET", SEARCH, {"params": {"q": ""}}, 422, "q:"),
    ("search-get-whitespace", "GET", SEARCH, {"params": {"q": "   "}}, 422, "q:"),
    ("search-get-10kb", "GET", SEARCH, {"params": {"q": "a" * 10240}}, 422, "q: at most 500 characters"),
    ("search-get-non-utf8", "GET", SEARCH + "?q=%ff%fe%b0", {}, 422, "no letters or digits"),
    ("search-get-top-k-abc", "GET", SEARCH, {"params": {"q": "清洁取暖", "top_k": "abc"}}, 422, "top_k:"),
    ("search-get-top-k-1e9", "GET", SEARCH, {"params": {"q": "清洁取暖", "top_k": 10**9}}, 422, "top_k:"),
    ("search-get-unknown-city", "GET", SEARCH, {"params": {"q": "清洁取暖", "city": "火星市"}}, 422, "unknown city"),
    ("search-get-unknown-mode", "GET", SEARCH, {"params": {"q": "清洁取暖", "mode": "sql"}}, 422, "mode:"),
    ("chat-empty", "POST", CHAT, {"json": _chat("")}, 422, "messages[0].content:"),
    ("chat-whitespace", "POST", CHAT, {"json": _chat("  \n ")}, 422, "must not be empty"),
    ("chat-10kb", "POST", CHAT, {"json": _chat(KB10)}, 422, "at most 500 characters"),
    ("chat-1mb", "POST", CHAT, {"json": _chat(MB1)}, 413, "request body too large"),
    ("chat-history-1000", "POST", CHAT, {"json": _chat("那安阳呢", ["铁岭清洁取暖率"] * 999)}, 422,
     "messages: at most 41 messages"),
    ("chat-history-21", "POST", CHAT, {"json": _chat("那安阳呢", ["铁岭清洁取暖率"] * 21)}, 422,
     "at most 20 earlier user turns"),
    ("chat-history-huge-turn", "POST", CHAT, {"json": _chat("那安阳呢", [KB10])}, 422,
     "messages[0].content: at most 500 characters"),
    ("chat-no-messages", "POST", CHAT, {"json": {"messages": []}}, 422, "messages:"),
    ("chat-last-not-user", "POST", CHAT, {"json": {"messages": [{"role": "assistant", "content": "x"}]}}, 422,
     "role 'user'"),
    ("chat-unknown-role", "POST", CHAT, {"json": {"messages": [{"role": "system", "content": "x"}]}}, 422,
     "messages[0].role:"),
    ("chat-malformed-json", "POST", CHAT, {"content": b'{"messages": [', "headers": JSON}, 422, "body:"),
    ("chat-text-content-type", "POST", CHAT, {"content": b"hello", "headers": {"content-type": "text/plain"}},
     422, ""),
    ("chat-non-utf8", "POST", CHAT,
     {"content": b'{"messages": [{"role": "user", "content": "\xc0\xaf"}]}', "headers": JSON}, 400,
     "error parsing the body"),
    ("chat-unknown-field", "POST", CHAT, {"json": {**_chat("x"), "temperature": 2}}, 422, "temperature:"),
    ("document-unknown", "GET", "/api/v1/documents/nope", {}, 404, "unknown doc_id 'nope'"),
    ("document-traversal-encoded", "GET", "/api/v1/documents/..%2F..%2Fetc", {}, 404, ""),
    ("document-traversal-dots", "GET", "/api/v1/documents/../../etc/passwd", {}, 404, ""),
    ("document-traversal-double-encoded", "GET", "/api/v1/documents/%252e%252e%252fetc%252fpasswd", {}, 404, ""),
    ("document-nul", "GET", "/api/v1/documents/tieling%00", {}, 404, "unknown doc_id"),
    ("chunk-unknown", "GET", "/api/v1/chunks/tieling-0000000000", {}, 404, "unknown chunk_id"),
    ("chunk-with-slashes", "GET", "/api/v1/chunks/tieling/../../etc/passwd", {}, 404, ""),
    ("chunk-encoded-slashes", "GET", "/api/v1/chunks/..%2F..%2Fetc%2Fpasswd", {}, 404, ""),
    ("chunk-context-1e9", "GET", "/api/v1/chunks/x", {"params": {"before": 10**9}}, 422, "before:"),
    ("targets-unknown-city", "GET", "/api/v1/targets", {"params": {"city": "北京"}}, 422, "unknown city"),
    ("targets-long-indicator", "GET", "/api/v1/targets", {"params": {"indicator": "率" * 101}}, 422,
     "indicator:"),
]


@pytest.mark.parametrize("method, path, kwargs, status, fragment",
                         [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED])
def test_api_refuses_with_a_clear_client_error(api, method, path, kwargs, status, fragment):
    resp = api.request(method, path, **kwargs)
    _clean_failure(resp, status, fragment)
    assert "root:x:0:0" not in resp.text  # a traversal never reads a file


# --- API: odd but valid text is answered -------------------------------------------------------


@pytest.mark.parametrize("text", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_api_search_answers_odd_text(api, text):
    resp = api.post(SEARCH, json={"query": text, "top_k": 3})
    assert resp.status_code == 200, resp.text[:300]
    assert resp.headers["content-type"] == "application/json"  # never rendered as HTML
    body = resp.json()
    assert body["query"] == text.strip()  # echoed as a JSON string, byte for byte
    assert len(body["results"]) <= 3
    get = api.get(SEARCH, params={"q": text, "top_k": 3})
    assert get.status_code == 200 and get.json()["results"] == body["results"]


@pytest.mark.parametrize("text", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_api_chat_answers_odd_text(api, search_index, text):
    resp = api.post(CHAT, json=_chat(text, ["安阳的单位GDP能耗"]))
    assert resp.status_code == 200, resp.text[:300]
    body = resp.json()
    assert body["kind"] in KINDS and body["answer"]
    for citation in body["citations"]:
        assert search_index.get_chunk(citation["chunk_id"]).text == citation["text"]


def test_api_chat_on_symbols_only_is_a_sensible_empty_answer(api):
    resp = api.post(CHAT, json=_chat("？？？……🔥"))
    assert resp.status_code == 200
    body = resp.json()
    assert body["kind"] in {"empty", "not_found"} and body["citations"] == []


def test_limits_are_named_in_the_openapi_document(api):
    schema = api.get("/openapi.json").json()
    text = json.dumps(schema, ensure_ascii=False)
    assert "POLICYQA_MAX_QUERY_CHARS" in text and "413" in text and "422" in text


# --- CLI -----------------------------------------------------------------------------------

CLI_REFUSED = [
    ("empty", ("search", ""), 2, "empty query"),
    ("whitespace", ("search", "  \t "), 2, "empty query"),
    ("10kb", ("search", KB10), 2, "query too long: at most 500 characters (POLICYQA_MAX_QUERY_CHARS)"),
    ("1mb", ("search", MB1), 2, "query too long"),
    ("only-symbols", ("search", "？？！\x07"), 2, "no letters or digits"),
    ("top-k-0", ("search", "清洁取暖", "--top-k", "0"), 2, "between 1 and 50"),
    ("top-k-neg", ("search", "清洁取暖", "--top-k", "-1"), 2, "between 1 and 50"),
    ("top-k-1e9", ("search", "清洁取暖", "--top-k", str(10**9)), 2, "between 1 and 50"),
    ("top-k-abc", ("search", "清洁取暖", "--top-k", "abc"), 2, "not a whole number"),
    ("unknown-city", ("search", "清洁取暖", "--city", "火星"), 2, "unknown city '火星'"),
    ("unknown-level", ("search", "清洁取暖", "--level", "乡"), 2, "invalid choice"),
    ("year-abc", ("search", "清洁取暖", "--year", "abc"), 2, "not a whole number"),
    ("unknown-mode", ("search", "清洁取暖", "--mode", "fuzzy"), 2, "invalid choice"),
    ("unknown-targets-city", ("targets", "--city", "北京"), 2, "unknown city"),
    ("missing-file", ("add", "no-such-plan.txt", "--city", "某市"), 4, "cannot read"),
]


def test_cli_targets_runs(run_cli):
    """`targets` used to fail with an ImportError (write_csv) before printing anything."""
    code, out, err = run_cli("targets", "--city", "铁岭", "--csv")
    assert code == 0, err
    assert out.splitlines()[0].startswith("city,") and "铁岭市" in out


@pytest.mark.parametrize("argv, code, fragment", [r[1:] for r in CLI_REFUSED], ids=[r[0] for r in CLI_REFUSED])
def test_cli_refuses_with_an_exit_code_and_one_line(run_cli, argv, code, fragment):
    got, out, err = run_cli(*argv)
    assert got == code
    assert fragment in err
    assert "Traceback" not in err and len(err) < 2000  # one reason (plus argparse's usage)


@pytest.mark.parametrize("content, fragment", [
    (b'{"question": "\xff\xfe"}\n', "not UTF-8 text"),
    (b'{"question": "x",\n', ":1: not JSON"),
    (b'{"question": "x", "history": "earlier"}\n', '"history" must be a list of strings'),
    (json.dumps({"question": "那安阳呢", "history": [KB10]}).encode(), "longer than 500 characters"),
], ids=["non-utf8", "malformed-json", "history-not-a-list", "huge-turn"])
@pytest.mark.parametrize("command", ["search", "chat"])
def test_cli_batch_refuses_bad_files(run_cli, tmp_path: Path, command, content, fragment):
    batch = tmp_path / "q.jsonl"
    batch.write_bytes(content)
    code, _, err = run_cli(command, "--batch", str(batch))
    assert code == 4 and fragment in err and "Traceback" not in err


def test_cli_batch_answers_odd_text_and_long_histories(run_cli, tmp_path: Path):
    rows = [{"id": key, "question": text} for key, text in ODD_TEXTS.items()]
    rows.append({"id": "history-1000", "question": "那安阳呢？", "history": ["铁岭 城镇清洁取暖率"] * 1000})
    rows.append({"id": "symbols", "question": "？？？"})
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    code, out, err = run_cli("search", "--batch", str(batch), "--top-k", "3")
    assert code == 0, err
    results = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert list(results) == [r["id"] for r in rows]
    assert results["symbols"]["results"] == []  # nothing searchable: no arbitrary paragraphs
    assert results["history-1000"]["results"][0]["city"] == "安阳市"


def test_cli_search_json_escapes_markup(run_cli):
    code, out, _ = run_cli("search", ODD_TEXTS["html-js"], "--json", "--top-k", "2")
    assert code == 0
    assert json.loads(out)["query"] == ODD_TEXTS["html-js"].strip()


# --- the chat answer path (what the chat page calls; it has no HTTP limits in front) ----------


@pytest.fixture(scope="module")
def assistant(search_index) -> Assistant:
    return Assistant(search_index)


@pytest.mark.parametrize("question", ["", "   ", "\x00", "？？？", "🔥"], ids=["empty", "blank", "nul", "marks", "emoji"])
def test_answer_to_nothing_is_empty_or_not_found(assistant, question):
    answer = assistant.answer(question)
    assert answer.kind in {"empty", "not_found"} and answer.text and answer.citations == ()


@pytest.mark.parametrize("text", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_answer_to_odd_text_cites_real_chunks(assistant, search_index, text):
    answer = assistant.answer(text)
    assert answer.kind in KINDS and answer.text
    assert figures_supported(answer)
    for c in answer.citations:
        assert search_index.get_chunk(c.chunk.chunk_id) == c.chunk and c.highlight in c.chunk.text


def test_answer_with_1000_turns_and_huge_turns(assistant):
    long_history = ["铁岭 城镇清洁取暖率"] * 999 + ["那安阳呢？"]
    answer = assistant.answer("2025年的目标是多少", history=long_history)
    assert answer.kind in KINDS and figures_supported(answer)
    huge = assistant.answer("那安阳呢？", history=["铁岭 城镇清洁取暖率" + "。" * 5000, "清" * 5000])
    assert huge.kind in KINDS and figures_supported(huge)


def test_answer_to_a_10kb_question_is_bounded(assistant, search_index):
    """The chat page passes text straight to `Assistant.answer`; the embedder reads only the
    first 512 characters, so a 10 KB question costs about what a 512-character one does."""
    from index.embedders import MAX_QUERY_EMBED_CHARS

    assert MAX_QUERY_EMBED_CHARS == 512
    answer = assistant.answer("铁岭 城镇清洁取暖率" + "。" * 10_000)
    assert answer.kind in KINDS and figures_supported(answer)
