"""POST /chat: a stateless answer to the last user message, given the conversation so far.

`answer_messages` is the one conversation path: the OpenAI-compatible endpoint and the MCP
`answer_question` tool call it too, so every front end reads a conversation the same way.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter

from assistant.api.deps import SettingsDep, SnapshotDep, StateDep, check_filters, check_text
from assistant.api.errors import COMMON_RESPONSES, validation_error
from assistant.api.routes.feedback import remember
from assistant.api.schemas import ChatRequest, ChatResponse
from index.types import Filters
from policyqa.settings import Settings
from assistant.api.state import Snapshot
from assistant.model import Answer

router = APIRouter(prefix="/chat", tags=["chat"])


def answer_messages(
    snapshot: Snapshot, settings: Settings, messages: Sequence[tuple[str, str]],
    loc: Sequence[Any] = ("body", "messages"), filters: Filters | None = None,
    filters_loc: Sequence[Any] = ("body", "filters"),
) -> Answer:
    """The answer to the last of `messages` ((role, text), oldest first; roles "user" and
    "assistant"), among the documents `filters` lets through. Earlier user messages resolve
    follow-ups; assistant messages are not read. Limits: POLICYQA_MAX_QUERY_CHARS per message,
    POLICYQA_MAX_HISTORY_TURNS earlier turns; a breach, or an unknown filter value, raises the
    usual 422 (RequestValidationError) naming the message or the filter."""
    if not messages or messages[-1][0] != "user":
        raise validation_error(loc, "the last message must have role 'user'")
    last = len(messages) - 1
    # Assistant turns are not read, but their number is bounded too (one per user turn).
    if last > 2 * settings.max_history_turns:
        raise validation_error(loc, f"at most {2 * settings.max_history_turns + 1} messages "
                               f"({settings.max_history_turns} earlier turns, POLICYQA_MAX_HISTORY_TURNS)", "too_long")
    question = check_text(messages[last][1], (*loc, last, "content"), settings)
    earlier = [(i, text) for i, (role, text) in enumerate(messages[:last]) if role == "user"]
    if len(earlier) > settings.max_history_turns:
        raise validation_error(loc, f"at most {settings.max_history_turns} earlier user turns "
                               "(POLICYQA_MAX_HISTORY_TURNS)", "too_long")
    history = tuple(check_text(text, (*loc, i, "content"), settings) for i, text in earlier if text.strip())
    checked = check_filters(snapshot, filters, filters_loc)
    return snapshot.assistant.answer(question, history=history, filters=checked)


@router.post("", response_model=ChatResponse, responses=COMMON_RESPONSES, summary="Answer a question")
def chat(body: ChatRequest, snapshot: SnapshotDep, settings: SettingsDep, state: StateDep) -> ChatResponse:
    """Extractive answer with numbered citations; figures are quoted, never invented.

    The server keeps no session: send the whole conversation each time. Earlier user
    messages resolve follow-ups; assistant messages are accepted and ignored. `filters`
    (level, province, city, doc_type, year, issuer) restrict the documents the answer draws on.
    """
    messages = [(m.role, m.content) for m in body.messages]
    answer = answer_messages(snapshot, settings, messages, filters=body.filters.to_filters() if body.filters else None)
    return ChatResponse.from_answer(answer, remember(state, snapshot, answer, messages, "api"))
