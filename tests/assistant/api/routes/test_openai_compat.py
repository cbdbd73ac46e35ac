"""The official `openai` client against a real server on loopback: plain and streaming chat,
follow-ups from `messages`, references behind the [n] markers, models, OpenAI's error shape."""
from __future__ import annotations

import re

import httpx
import openai
import pytest
from openai import OpenAI

from assistant.api.routes.openai_compat import MODEL_ID

pytestmark = pytest.mark.slow

QUESTION = "铁岭 2025年城镇清洁取暖率"
TIELING_CLAUSE = "城镇清洁取暖率达到70%以上"


@pytest.fixture(scope="module")
def client(live_url) -> OpenAI:
    # Any key is accepted; the client insists on one. No retries: a failure shows at once.
    return OpenAI(base_url=f"{live_url}/v1", api_key="any-key", max_retries=0, timeout=60)


def _reference(message) -> list[dict]:
    return (message.model_extra or {})["reference"]


def test_answer_quotes_the_figure_with_a_marker_and_its_reference(client):
    reply = client.chat.completions.create(model="gpt-4o", temperature=0.3, max_tokens=50,
                                           messages=[{"role": "system", "content": "你是助手"},
                                                     {"role": "user", "content": QUESTION}])
    assert reply.object == "chat.completion" and reply.model == MODEL_ID
    choice = reply.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    text = choice.message.content
    assert "70%" in text and "[1]" in text
    first = next(r for r in _reference(choice.message) if r["n"] == 1)
    assert first["city"] == "铁岭市" and TIELING_CLAUSE in first["highlight"] and first["highlight"] in first["content"]
    assert first["citation"] == "《铁岭市“十四五”节能减排综合工作方案》三、（三） 第1段"
    assert first["document_id"] == "tieling" and first["document_name"].startswith("铁岭市")


def test_follow_up_in_messages_answers_for_the_other_city(client):
    first = client.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}])
    reply = client.chat.completions.create(model=MODEL_ID, messages=[
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "那安阳呢？"},
    ])
    text = reply.choices[0].message.content
    refs = _reference(reply.choices[0].message)
    assert "安阳" in text and "铁岭" not in text
    assert refs and all(r["city"] == "安阳市" for r in refs)
    assert set(map(int, re.findall(r"\[(\d+)\]", text))) <= {r["n"] for r in refs}


def test_same_answer_as_the_chat_endpoint(client, live_url):
    messages = [{"role": "user", "content": "定州农业农村节能减排有哪些措施？"}]
    reply = client.chat.completions.create(model=MODEL_ID, messages=messages)
    native = httpx.post(f"{live_url}/api/v1/chat", json={"messages": messages}, timeout=60).json()
    assert re.sub(r"\[\d+\]", "", reply.choices[0].message.content) == native["answer"]
    assert [r["id"] for r in _reference(reply.choices[0].message)] == [c["chunk_id"] for c in native["citations"]]


def test_streaming_gives_the_same_text_then_the_reference(client):
    plain = client.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}])
    stream = client.chat.completions.create(model=MODEL_ID, stream=True,
                                            messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    assert len(chunks) >= 3 and all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == plain.choices[0].message.content
    last = chunks[-1].choices[0]
    assert last.finish_reason == "stop"
    assert [r["id"] for r in last.delta.model_extra["reference"]] == [r["id"] for r in _reference(plain.choices[0].message)]


def test_stream_is_server_sent_events_ending_with_done(live_url):
    with httpx.stream("POST", f"{live_url}/v1/chat/completions", timeout=60,
                      json={"stream": True, "messages": [{"role": "user", "content": QUESTION}]}) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in resp.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"


def test_models_list_the_one_model(client):
    assert [m.id for m in client.models.list().data] == [MODEL_ID]
    assert client.models.retrieve(MODEL_ID).id == MODEL_ID
    with pytest.raises(openai.NotFoundError) as err:
        client.models.retrieve("gpt-4o")
    assert err.value.body["code"] == "model_not_found"


def test_unknown_fields_and_content_parts_are_accepted(client):
    reply = client.chat.completions.create(
        model=MODEL_ID, top_p=0.5, n=1, stop=["\n\n"], user="someone", seed=1,
        messages=[{"role": "user", "content": [{"type": "text", "text": QUESTION}]}],
        extra_body={"some_vendor_option": {"x": 1}},
    )
    assert "70%" in reply.choices[0].message.content


@pytest.mark.parametrize("messages, param", [
    ([{"role": "user", "content": "   "}], "messages[0].content"),
    ([{"role": "system", "content": "x"}, {"role": "user", "content": "长" * 600}], "messages[1].content"),
    ([{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "……"}], "messages[1].role"),
    ([], "messages"),
])
def test_bad_requests_raise_openai_errors_naming_the_field(client, messages, param):
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model=MODEL_ID, messages=messages)
    assert err.value.status_code == 400
    body = err.value.body  # the client unwraps {"error": {...}}
    assert body["type"] == "invalid_request_error" and body["param"] == param and body["message"]


def test_raw_error_shape_and_malformed_json(live_url):
    resp = httpx.post(f"{live_url}/v1/chat/completions", content=b"{not json", timeout=30,
                      headers={"content-type": "application/json"})
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["type"] == "invalid_request_error"


# --- metadata filters: the documented extra body field `filters` ---------------------------------

from tests.filter_cases import CASE_IDS, CHAT_QUESTION, FILTER_CASES  # noqa: E402


@pytest.fixture(scope="module")
def levels_openai(levels_url) -> OpenAI:
    return OpenAI(base_url=f"{levels_url}/v1", api_key="any-key", max_retries=0, timeout=60)


@pytest.mark.parametrize("filters, places", FILTER_CASES, ids=CASE_IDS)
def test_filters_as_an_extra_body_field(levels_openai, filters, places):
    reply = levels_openai.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": CHAT_QUESTION}],
                                                  extra_body={"filters": filters})
    cited = {r["city"] for r in _reference(reply.choices[0].message)}
    assert cited and cited <= places


def test_filters_stream_too_and_bad_ones_are_400_in_openai_shape(levels_openai):
    stream = levels_openai.chat.completions.create(model=MODEL_ID, stream=True, extra_body={"filters": {"level": "国家"}},
                                                   messages=[{"role": "user", "content": CHAT_QUESTION}])
    refs = [r for chunk in stream for r in ((chunk.choices[0].delta.model_extra or {}).get("reference") or [])]
    assert refs and {r["city"] for r in refs} == {"全国"}
    for bad, param in (({"level": "乡"}, "filters.level"), ({"year": "2022"}, "filters.year"),
                       ({"city": "火星"}, "filters.city")):
        with pytest.raises(openai.BadRequestError) as caught:
            levels_openai.chat.completions.create(model=MODEL_ID, messages=[{"role": "user", "content": "能耗"}],
                                                  extra_body={"filters": bad})
        assert caught.value.status_code == 400 and caught.value.body["param"] == param, caught.value.body
