"""POST /chat: a stateless answer to the last user message, given the conversation so far.

`answer_messages` is the one conversation path: the OpenAI-compatible endpoint and the MCP
`answer_question` tool call it too, so every front end reads a conversation the same way.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter

from assistant.api.deps import SettingsDep, SnapshotDep, StateDep, check_conversation
from assistant.api.errors import COMMON_RESPONSES
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
    follow-ups; assistant messages are not read. The request is checked by
    `deps.check_conversation` (422 naming the message or the filter)."""
    checked = check_conversation(snapshot, settings, messages, filters, loc, filters_loc)
    return snapshot.assistant.answer(checked.question, history=checked.history, filters=checked.filters)


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
