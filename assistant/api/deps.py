"""Shared dependencies (`Annotated` aliases) and the checks that depend on settings."""
from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.errors import clip, validation_error
from index.filters import FilterError, normalize
from index.types import Filters
from policyqa.settings import Settings
from assistant.api.state import ApiState, NotReadyError, Snapshot


def get_state(request: Request) -> ApiState:
    return request.app.state.api


StateDep = Annotated[ApiState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    return state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_snapshot(state: StateDep) -> Snapshot:
    try:
        return state.current()
    except NotReadyError as exc:
        raise HTTPException(503, f"not ready: {exc}", headers={"Retry-After": "5"}) from None


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]

_bearer = HTTPBearer(auto_error=False, description="POLICYQA_ADMIN_TOKEN of the server")


def require_admin(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """401 without a bearer token, 403 with a wrong one or when the admin endpoints (uploads,
    the feedback listing) are disabled."""
    if settings.admin_token is None:
        raise HTTPException(403, "uploads and the admin endpoints are disabled on this server "
                                 "(POLICYQA_ADMIN_TOKEN is not set)")
    if credentials is None:
        raise HTTPException(401, "missing bearer token: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    expected = settings.admin_token.get_secret_value().encode("utf-8")
    # Constant-time comparison: response timing must not reveal how much of the token matched.
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected):
        raise HTTPException(403, "invalid token")


AdminDep = Annotated[None, Depends(require_admin)]


# --- checks whose limits come from settings (raised as ordinary 422s) ----------------------


def check_text(value: str, loc: Sequence[Any], settings: Settings) -> str:
    """Strip; refuse empty or over-long text. Control characters, emoji and HTML are fine."""
    text = value.strip()
    if not text:
        raise validation_error(loc, "must not be empty or only whitespace", "string_too_short")
    if len(text) > settings.max_query_chars:
        raise validation_error(
            loc, f"at most {settings.max_query_chars} characters (POLICYQA_MAX_QUERY_CHARS)", "string_too_long"
        )
    return text


def check_history(turns: Sequence[str], loc: Sequence[Any], settings: Settings) -> tuple[str, ...]:
    """Earlier user turns: at most max_history_turns, each within the query limit; blanks dropped."""
    if len(turns) > settings.max_history_turns:
        raise validation_error(
            loc, f"at most {settings.max_history_turns} earlier turns (POLICYQA_MAX_HISTORY_TURNS)", "too_long"
        )
    kept = []
    for i, turn in enumerate(turns):
        if turn.strip():
            kept.append(check_text(turn, (*loc, i), settings))
    return tuple(kept)


def resolve_cities(
    snapshot: Snapshot, names: Sequence[str], loc: Sequence[Any], indexed: bool = True
) -> tuple[str, ...]:
    """Full city names for 铁岭 / 铁岭市; an unknown name is a 422 listing the known ones."""
    resolved = []
    for i, name in enumerate(names):
        city = snapshot.resolve_city(name)
        if city is None:
            raise validation_error(
                (*loc, i) if indexed else loc, f"unknown city {clip(name.strip())!r}; known cities: {clip(', '.join(snapshot.cities), 400)}"
            )
        resolved.append(city)
    return tuple(dict.fromkeys(resolved))


def check_filters(snapshot: Snapshot, filters: Filters | None, loc: Sequence[Any]) -> Filters | None:
    """The metadata filters checked against the served documents (index.filters.normalize):
    an unknown level, place or kind is a 422 naming the field under `loc`."""
    if filters is None:
        return None
    try:
        return normalize(filters, snapshot.index.documents)
    except FilterError as exc:
        raise validation_error((*loc, exc.field), str(exc)) from None


# --- a request checked in one place (every API edge: chat, OpenAI, MCP, search, Dify) --------


@dataclass(frozen=True)
class Checked:
    """A request's text, earlier user turns, places and filters, checked against the settings'
    limits and the served documents."""

    question: str
    history: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    filters: Filters | None = None


def check_conversation(snapshot: Snapshot, settings: Settings, messages: Sequence[tuple[str, str]],
                       filters: Filters | None = None, loc: Sequence[Any] = ("body", "messages"),
                       filters_loc: Sequence[Any] = ("body", "filters")) -> Checked:
    """The last of `messages` ((role, text), oldest first; roles "user" and "assistant") and the
    earlier user messages as its history. Limits: POLICYQA_MAX_QUERY_CHARS per message,
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
    return Checked(question, history, (), check_filters(snapshot, filters, filters_loc))


def check_search(snapshot: Snapshot, settings: Settings, query: str, history: Sequence[str], cities: Sequence[str],
                 filters: Filters | None, part: str) -> Checked:
    """A search request's query, history, cities and filters (422 naming the field of `part`,
    "body" or "query")."""
    query_loc, city_loc = query_locations(part)
    text = check_text(query, query_loc, settings)
    if not any(ch.isalnum() for ch in text):  # only punctuation, symbols or control characters
        raise validation_error(query_loc, "nothing to search for: the query has no letters or digits")
    return Checked(text, check_history(history, (part, "history"), settings),
                   resolve_cities(snapshot, cities, city_loc), check_filters(snapshot, filters, (part, "filters")))


def query_locations(part: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Where the query and the cities of a search request are: in the body, or the query string."""
    return ((part, "query"), (part, "cities")) if part == "body" else ((part, "q"), (part, "city"))
