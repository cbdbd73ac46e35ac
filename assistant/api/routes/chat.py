"""POST /chat: a stateless answer to the last user message, given the conversation so far."""
from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import SettingsDep, SnapshotDep, check_text
from assistant.api.errors import COMMON_RESPONSES, validation_error
from assistant.api.schemas import ChatRequest, ChatResponse

router = APIRouter(prefix="/chat", tags=["chat"])


@router.post("", response_model=ChatResponse, responses=COMMON_RESPONSES, summary="Answer a question")
def chat(body: ChatRequest, snapshot: SnapshotDep, settings: SettingsDep) -> ChatResponse:
    """Extractive answer with numbered citations; figures are quoted, never invented.

    The server keeps no session: send the whole conversation each time. Earlier user
    messages resolve follow-ups; assistant messages are accepted and ignored.
    """
    last = len(body.messages) - 1
    # Assistant turns are not read, but their number is bounded too (one per user turn).
    if last > 2 * settings.max_history_turns:
        raise validation_error(("body", "messages"), f"at most {2 * settings.max_history_turns + 1} messages "
                               f"({settings.max_history_turns} earlier turns, POLICYQA_MAX_HISTORY_TURNS)", "too_long")
    question = check_text(body.messages[last].content, ("body", "messages", last, "content"), settings)
    earlier = [(i, m.content) for i, m in enumerate(body.messages[:last]) if m.role == "user"]
    if len(earlier) > settings.max_history_turns:
        raise validation_error(("body", "messages"), f"at most {settings.max_history_turns} earlier user turns "
                               "(POLICYQA_MAX_HISTORY_TURNS)", "too_long")
    history = tuple(check_text(text, ("body", "messages", i, "content"), settings)
                    for i, text in earlier if text.strip())
    answer = snapshot.assistant.answer(question, history=history)
    return ChatResponse.from_answer(answer)
