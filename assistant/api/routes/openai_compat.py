"""OpenAI-compatible chat: POST /v1/chat/completions (JSON or server-sent events), GET /v1/models.

`OpenAI(base_url="http://HOST:PORT/v1", api_key="any")` works unchanged. The conversation is
read exactly as POST /api/v1/chat reads it (`chat.answer_messages`): earlier user messages
resolve follow-ups such as 那安阳呢？; assistant, system and tool messages are not read. The
answer is extractive: its text carries [n] markers and `message.reference` (as RAGFlow names
it) lists the quoted clauses. `model`, `temperature` and the other generation parameters are
accepted and ignored, as are unknown fields. One extra body field is read: `filters`, the
metadata filters of POST /api/v1/chat (level, province, city, doc_type, year, issuer); the
openai client sends it with `extra_body={"filters": {"province": "河南"}}`. Errors use OpenAI's
shape `{"error": {"message", "type", "param", "code"}}`.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from assistant.api.deps import SettingsDep, SnapshotDep, StateDep
from assistant.api.errors import field_name
from assistant.api.routes.chat import answer_messages
from assistant.api.routes.feedback import remember
from assistant.api.schemas import EXAMPLE_QUERY, ErrorResponse, FiltersIn
from assistant.model import Answer, Citation

MODEL_ID = "policy-qa"
CREATED = int(time.time())  # "created" of the one model: when this server process started
READ_ROLES = ("user", "assistant")  # what /api/v1/chat reads; the other roles are skipped
_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 413: "invalid_request_error", 429: "rate_limit_error"}


# --- errors in OpenAI's shape ------------------------------------------------------------


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str = Field(description="invalid_request_error, not_found_error, server_error, …")
    param: str | None = Field(None, description="The offending field, e.g. messages[2].content.")
    code: str | None = None


class OpenAIError(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"error": {
        "message": "messages[0].content: must not be empty or only whitespace",
        "type": "invalid_request_error", "param": "messages[0].content", "code": "string_too_short"}}]})

    error: OpenAIErrorDetail


def openai_error(status: int, message: str, param: str | None = None, code: str | None = None,
                 headers: Mapping[str, str] | None = None) -> JSONResponse:
    kind = _ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    body = OpenAIError(error=OpenAIErrorDetail(message=message, type=kind, param=param, code=code))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


class OpenAIRoute(APIRoute):
    """A route whose failures answer in OpenAI's error shape (400 for invalid input, as OpenAI
    does, instead of the project's 422), so OpenAI clients raise their usual exceptions."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                issues = list(exc.errors())
                names = ["body" if i.get("type") == "json_invalid" else field_name(i.get("loc", ())) for i in issues]
                message = "; ".join(f"{n}: {i.get('msg', 'invalid value')}" for n, i in zip(names[:5], issues))
                first = issues[0] if issues else {}
                return openai_error(400, message or "invalid request", names[0] if names else None,
                                    str(first.get("type") or "invalid_value"))
            except HTTPException as exc:
                code = "not_ready" if exc.status_code == 503 else None
                return openai_error(exc.status_code, str(exc.detail), code=code, headers=exc.headers)

        return route


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": OpenAIError, "description": "Invalid request (OpenAI error shape)"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    503: {"model": OpenAIError, "description": "Index not loaded yet"},
}

router = APIRouter(prefix="/v1", tags=["openai"], route_class=OpenAIRoute)


# --- request ------------------------------------------------------------------------------


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="Only 'text' parts are read; images and the like are skipped.")
    text: str | None = None


class InMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content or () if p.type == "text" and p.text)


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": MODEL_ID, "messages": [{"role": "user", "content": EXAMPLE_QUERY}]},
        {"model": MODEL_ID, "stream": True, "messages": [
            {"role": "user", "content": EXAMPLE_QUERY},
            {"role": "assistant", "content": "铁岭市：到2025年，……城镇清洁取暖率达到70%以上。[1]"},
            {"role": "user", "content": "那安阳呢？"}]},
        {"model": MODEL_ID, "messages": [{"role": "user", "content": "遏制两高项目盲目发展有哪些措施？"}],
         "filters": {"province": "河南", "level": "省"}},
    ]})

    model: str = Field(MODEL_ID, description="Accepted and ignored: there is one model, policy-qa.")
    messages: list[InMessage] = Field(min_length=1, description="The conversation, oldest first.")
    stream: bool | None = Field(False, description="Server-sent events in OpenAI's chunk format.")
    filters: FiltersIn | None = Field(
        None, description="Extra field (not OpenAI's): the metadata filters of POST /api/v1/chat (level, province, "
                          "city, doc_type, year, issuer); with the openai client, extra_body={\"filters\": {...}}.")


# --- response -----------------------------------------------------------------------------


class Reference(BaseModel):
    """One quoted clause, numbered like the [n] marker in the answer text."""

    n: int = Field(description="The [n] marker in the answer text.")
    id: str = Field(description="chunk_id (GET /api/v1/chunks/{id} for its neighbours).")
    content: str = Field(description="The whole paragraph.")
    document_id: str
    document_name: str = Field(description="The plan's title.")
    citation: str
    city: str
    highlight: str = Field(description="The quoted sentence inside `content` (verbatim).")
    score: float

    @classmethod
    def from_citation(cls, c: Citation) -> Reference:
        ch = c.chunk
        return cls(n=c.n, id=ch.chunk_id, content=ch.text, document_id=ch.doc_id, document_name=ch.title,
                   citation=ch.citation, city=ch.city, highlight=c.highlight, score=round(float(c.score), 6))


class OutMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    reference: list[Reference]


class Choice(BaseModel):
    index: int = 0
    message: OutMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[Choice]
    answer_id: str = Field(description="Extra field: names this answer in POST /api/v1/feedback (有用/有误).")


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None
    reference: list[Reference] | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    choices: list[ChunkChoice]
    answer_id: str = Field(description="Extra field: names this answer in POST /api/v1/feedback.")


class ModelCard(BaseModel):
    id: str = MODEL_ID
    object: Literal["model"] = "model"
    created: int = CREATED
    owned_by: str = "policy-qa"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# --- routes -------------------------------------------------------------------------------


# One server-sent event: `data` is a chat.completion.chunk as JSON, the last one is [DONE].
SSE_EVENT = {"type": "object", "required": ["data"], "properties": {
    "data": {"type": "string", "description": "A chat.completion.chunk (JSON), then [DONE]."},
    "event": {"type": "string"}, "id": {"type": "string"}, "retry": {"type": "integer", "minimum": 0}}}


def _pieces(text: str) -> list[str]:
    """The answer in streamed pieces: one line each, so that no [n] marker is split."""
    return re.findall(r"[^\n]*\n|[^\n]+", text)


def _events(completion_id: str, created: int, answer: Answer, answer_id: str) -> Iterator[bytes]:
    def event(delta: Delta, finish: Literal["stop"] | None = None) -> bytes:
        chunk = ChatCompletionChunk(id=completion_id, created=created, answer_id=answer_id,
                                    choices=[ChunkChoice(delta=delta, finish_reason=finish)]).model_dump(mode="json")
        chunk["choices"][0]["delta"] = {k: v for k, v in chunk["choices"][0]["delta"].items() if v is not None}
        return format_sse_event(data_str=json.dumps(chunk, ensure_ascii=False))

    yield event(Delta(role="assistant", content=""))
    for piece in _pieces(answer.cited_text):
        yield event(Delta(content=piece))
    yield event(Delta(reference=[Reference.from_citation(c) for c in answer.citations]), "stop")
    yield format_sse_event(data_str="[DONE]")


@router.post(
    "/chat/completions", response_model=ChatCompletion, summary="Chat (OpenAI-compatible)",
    responses={**ERROR_RESPONSES, 200: {"content": {"text/event-stream": {"schema": SSE_EVENT}},
                                        "description": "JSON, or server-sent events when `stream` is true"}},
)
def chat_completions(body: ChatCompletionRequest, snapshot: SnapshotDep, settings: SettingsDep,
                     state: StateDep) -> Any:
    """The answer POST /api/v1/chat gives, as an OpenAI chat completion (or a stream of chunks
    ending with `data: [DONE]`); `message.reference` lists the clauses behind the [n] markers."""
    messages = [(m.role, m.text()) for m in body.messages]
    if messages[-1][0] != "user":
        raise _last_not_user(len(messages) - 1)
    read = [(i, role, text) for i, (role, text) in enumerate(messages) if role in READ_ROLES]
    conversation = [(role, text) for _, role, text in read]
    try:
        answer = answer_messages(snapshot, settings, conversation,
                                 filters=body.filters.to_filters() if body.filters else None)
    except RequestValidationError as exc:  # name the message by its index in the request
        raise RequestValidationError([_renumber(e, [i for i, _, _ in read]) for e in exc.errors()]) from None
    answer_id = remember(state, snapshot, answer, conversation, "openai")
    completion_id, created = f"chatcmpl-{answer_id}", int(time.time())
    if body.stream:
        return EventSourceResponse(_events(completion_id, created, answer, answer_id),
                                   headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    message = OutMessage(content=answer.cited_text, reference=[Reference.from_citation(c) for c in answer.citations])
    return ChatCompletion(id=completion_id, created=created, choices=[Choice(message=message)], answer_id=answer_id)


def _last_not_user(index: int) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", "messages", index, "role"),
                                    "msg": "the last message must have role 'user'", "type": "value_error"}])


def _renumber(error: Any, original: list[int]) -> Any:
    loc = list(error.get("loc", ()))
    if len(loc) > 2 and loc[:2] == ["body", "messages"] and isinstance(loc[2], int) and loc[2] < len(original):
        loc[2] = original[loc[2]]
    return {**error, "loc": tuple(loc)}


@router.get("/models", response_model=ModelList, responses=ERROR_RESPONSES, summary="Models (OpenAI-compatible)")
def list_models() -> ModelList:
    return ModelList(data=[ModelCard()])


@router.get("/models/{model_id}", response_model=ModelCard, summary="One model (OpenAI-compatible)",
            responses={**ERROR_RESPONSES, 404: {"model": OpenAIError, "description": "Unknown model"}})
def get_model(model_id: str) -> ModelCard | JSONResponse:
    if model_id != MODEL_ID:
        return openai_error(404, f"The model '{model_id}' does not exist; the only model is '{MODEL_ID}'",
                            "model", "model_not_found")
    return ModelCard()
