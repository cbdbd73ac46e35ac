"""POST /feedback (有用 / 有误 on an answer) and GET /admin/feedback (the admin's listing, JSON or CSV).

Answers are named by the `answer_id` every chat answer carries (`remember`, called by the chat,
OpenAI-compatible and MCP paths and by the chat page). The store is assistant.feedback.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.api.deps import AdminDep, StateDep
from assistant.api.errors import COMMON_RESPONSES, clip, validation_error
from assistant.api.schemas import ErrorResponse
from assistant.api.state import ApiState, NotReadyError, Snapshot
from assistant.feedback import (
    MAX_CORRECTION_CHARS,
    RECENT_ANSWERS,
    FeedbackRecord,
    StoreUnavailable,
    UnknownAnswer,
    feedback_csv,
)
from assistant.model import Answer

log = logging.getLogger("assistant.api")
router = APIRouter(tags=["feedback"])
ANSWER_ID_PATTERN = r"^[0-9a-f]{32}$"
MAX_CHUNK_ID_CHARS = 200
MAX_LISTED = 10_000
UNAVAILABLE = "feedback could not be saved: the feedback database is unavailable; try again later"


def remember(state: ApiState, snapshot: Snapshot, answer: Answer, messages: Sequence[tuple[str, str]],
             source: str) -> str:
    """The answer id of `answer` to the last of `messages` ((role, text), as chat.answer_messages
    reads them): the earlier user turns are its history. Never raises, never waits for the disk."""
    history = [text.strip() for role, text in messages[:-1] if role == "user" and text.strip()]
    return state.feedback.remember(answer, history, mode="hybrid", source=source, index=snapshot.index)


# --- models ---------------------------------------------------------------------------


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"answer_id": "5f0c2a9be41d4c6f8e1b7a5d9c0e2f41", "verdict": "useful"},
        {"answer_id": "5f0c2a9be41d4c6f8e1b7a5d9c0e2f41", "verdict": "wrong",
         "correction": "城镇清洁取暖率达到70%以上", "chunk_id": "tieling-baace96a4b"}]})

    answer_id: str = Field(pattern=ANSWER_ID_PATTERN, description="`answer_id` of the chat answer.")
    verdict: Literal["useful", "wrong"] = Field(description="useful (有用) or wrong (有误).")
    correction: str | None = Field(
        None, max_length=MAX_CORRECTION_CHARS,
        description="With `wrong`: the right clause (verbatim, as the plan states it) or a note.")
    chunk_id: str | None = Field(None, max_length=MAX_CHUNK_ID_CHARS,
                                 description="The paragraph the right clause is in (a citation's chunk_id).")

    @field_validator("correction", "chunk_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class FeedbackAck(BaseModel):
    answer_id: str
    verdict: Literal["useful", "wrong"]
    replaced: bool = Field(description="True when an earlier verdict on this answer was replaced.")
    created_at: float = Field(description="Unix time the feedback was stored (committed to disk).")


class CitationRecord(BaseModel):
    n: int
    chunk_id: str
    doc_id: str
    city: str
    citation: str
    highlight: str
    text: str


class FeedbackOut(BaseModel):
    answer_id: str
    verdict: Literal["useful", "wrong"]
    correction: str
    chunk_id: str
    created_at: float = Field(description="Unix time of the feedback.")
    asked_at: float = Field(description="Unix time of the answer.")
    question: str
    history: list[str] = Field(description="Earlier user turns of the conversation, oldest first.")
    resolved_query: str
    kind: str
    answer: str = Field(description="The answer as given, with its [n] markers.")
    citations: list[CitationRecord]
    mode: str
    index_version: str = Field(description="Corpus hash of the index that answered (/readyz corpus_hash, shortened).")
    source: str = Field(description="api, openai, mcp or ui.")

    @classmethod
    def from_record(cls, f: FeedbackRecord) -> FeedbackOut:
        return cls(**f.as_dict())


class DayOut(BaseModel):
    day: str = Field(description="YYYY-MM-DD (server local time).")
    questions: int
    not_found: int


class QuestionsOut(BaseModel):
    logging: bool = Field(description="POLICYQA_LOG_QUESTIONS is on: every question is logged.")
    total: int = Field(description="Questions in the log.")
    not_found: int = Field(description="Of them, answered 'not found' (kind not_found).")
    not_found_share: float | None = Field(description="not_found / total; null with an empty log.")
    kinds: dict[str, int]
    by_day: list[DayOut] = Field(description="The last 90 days with questions, oldest first.")


class FeedbackListing(BaseModel):
    feedback: list[FeedbackOut] = Field(description="Newest first.")
    counts: dict[str, int] = Field(description="Feedback per verdict (all of it, not only the listed).")
    questions: QuestionsOut


# --- routes ---------------------------------------------------------------------------


def _check_chunk(state: ApiState, chunk_id: str) -> None:
    try:
        snapshot = state.current()
    except NotReadyError:
        return  # the index is loading: the id is kept as given
    try:
        snapshot.index.get_chunk(chunk_id)
    except KeyError:
        raise validation_error(("body", "chunk_id"), f"unknown chunk_id {clip(chunk_id)!r}") from None


@router.post("/feedback", response_model=FeedbackAck, summary="Mark an answer useful (有用) or wrong (有误)",
             responses={**COMMON_RESPONSES,
                        404: {"model": ErrorResponse, "description": "Unknown or expired answer_id"},
                        503: {"model": ErrorResponse, "description": "The feedback database is unavailable"}})
def post_feedback(body: FeedbackRequest, state: StateDep) -> FeedbackAck:
    """Store a verdict on one answer, with the question and history it answered. Answered once
    the record is on disk; a second verdict on the same answer replaces the first."""
    if body.chunk_id is not None:
        _check_chunk(state, body.chunk_id)
    try:
        record = state.feedback.record(body.answer_id, body.verdict, body.correction or "", body.chunk_id or "")
    except UnknownAnswer:
        raise HTTPException(404, f"unknown answer_id {clip(body.answer_id)!r}: this server keeps its last "
                                 f"{RECENT_ANSWERS} answers (every answer with POLICYQA_LOG_QUESTIONS on); "
                                 "ask again and send feedback on the new answer") from None
    except StoreUnavailable as exc:
        log.warning("feedback not stored: %s", exc)
        raise HTTPException(503, UNAVAILABLE, headers={"Retry-After": "5"}) from None
    return FeedbackAck(answer_id=body.answer_id, verdict=body.verdict, replaced=record.replaced,
                       created_at=record.created_at)


CSV_RESPONSE: dict[int | str, dict[str, Any]] = {200: {
    "content": {"text/csv": {"schema": {"type": "string"}}},
    "description": "JSON, or CSV (UTF-8 with BOM) with `format=csv`"}}
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No bearer token"},
    403: {"model": ErrorResponse, "description": "Wrong token, or POLICYQA_ADMIN_TOKEN not set"}}


@router.get("/admin/feedback", response_model=FeedbackListing, summary="Feedback and question statistics (admin)",
            responses={**COMMON_RESPONSES, **AUTH_RESPONSES, **CSV_RESPONSE,
                       503: {"model": ErrorResponse, "description": "The feedback database is unavailable"}})
def list_feedback(
    state: StateDep,
    _: AdminDep,
    verdict: Annotated[Literal["useful", "wrong"] | None, Query(description="Only this verdict.")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="csv: one row per feedback.")] = "json",
    limit: Annotated[int, Query(ge=1, le=MAX_LISTED, description="Most feedback records listed.")] = 1000,
) -> FeedbackListing | Response:
    """Feedback, newest first, with the question, history, answer, citations and correction of
    each; questions per day and the share answered "not found" from the question log
    (POLICYQA_LOG_QUESTIONS). Needs `Authorization: Bearer <POLICYQA_ADMIN_TOKEN>`."""
    store = state.feedback
    try:
        records = store.feedback(verdict, limit)
        if format == "csv":
            return Response(feedback_csv(records), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="feedback.csv"'})
        counts, stats = store.verdict_counts(), store.question_stats()
    except StoreUnavailable as exc:
        log.warning("feedback not listed: %s", exc)
        raise HTTPException(503, "the feedback database is unavailable; try again later",
                            headers={"Retry-After": "5"}) from None
    questions = QuestionsOut(
        logging=store.log_questions, total=stats.total, not_found=stats.not_found,
        not_found_share=stats.not_found_share, kinds=stats.kinds,
        by_day=[DayOut(day=d.day, questions=d.questions, not_found=d.not_found) for d in stats.by_day])
    return FeedbackListing(feedback=[FeedbackOut.from_record(f) for f in records], counts=counts, questions=questions)
