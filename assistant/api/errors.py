"""One error shape for every failure: `{"detail": ..., "message": "..."}`, never a traceback.

422 bodies list the issues (`loc`, `msg`, `type`) without echoing the offending input, which
may be large, binary or secret; `message` names the field(s) in one line.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from assistant.api.schemas import ErrorResponse, ValidationErrorResponse

log = logging.getLogger("assistant.api")

# Responses every route may give, for the OpenAPI document (and schemathesis' conformance checks).
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Unreadable request body"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    422: {"model": ValidationErrorResponse, "description": "Invalid parameter; `message` names the field"},
    503: {"model": ErrorResponse, "description": "Index not loaded yet"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse, "description": "Unknown id"}}


MAX_ECHO_CHARS = 40  # an input value quoted in an error message is cut to this many characters


def clip(value: object, limit: int = MAX_ECHO_CHARS) -> str:
    """`value` as text, cut to `limit` characters (+ "…"): errors never echo a whole input."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def field_name(loc: Sequence[Any]) -> str:
    """("body", "messages", 3, "content") -> "messages[3].content"; the request part is implied."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "form"):
        parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def validation_error(field: Sequence[Any], msg: str, type_: str = "value_error") -> RequestValidationError:
    """A 422 raised from a route, shaped like pydantic's own errors."""
    return RequestValidationError([{"loc": tuple(field), "msg": msg, "type": type_}])


def _issues(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    issues = []
    for err in errors:
        loc = [p if isinstance(p, int) else str(p) for p in err.get("loc", ())]
        issues.append({"loc": loc, "msg": str(err.get("msg", "invalid value")), "type": str(err.get("type", ""))})
    return issues


def error_body(detail: str) -> dict[str, str]:
    return {"detail": detail, "message": detail}


async def _on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    issues = _issues(exc.errors())
    # A JSON syntax error's loc ends in a character position, not a field: name the body.
    names = ["body" if i["type"] == "json_invalid" else field_name(i["loc"]) for i in issues]
    message = "; ".join(f"{n}: {i['msg']}" for n, i in zip(names[:5], issues)) or "invalid request"
    return JSONResponse({"detail": issues, "message": message}, status_code=422)


async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:  # Allow: every method of every route on this path, not the first's
        headers["Allow"] = ", ".join(allowed_methods(request))
    return JSONResponse(error_body(detail), status_code=exc.status_code, headers=headers or None)


def allowed_methods(request: Request) -> list[str]:
    """Methods of every documented route whose path template matches the request's path."""
    table = getattr(request.app.state, "allowed_methods", None)
    if table is None:
        table = [(re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "/?$"),
                  {m.upper() for m in ops if m in _HTTP_METHODS})
                 for path, ops in request.app.openapi().get("paths", {}).items()]
        request.app.state.allowed_methods = table
    methods = set().union(*(ms for rx, ms in table if rx.match(request.url.path)))
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


_HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


async def _on_disconnect(request: Request, _: ClientDisconnect) -> Response:
    # The client went away mid-request (or was cut off by the server's read timeout): nothing
    # to answer and nothing wrong with the server, so one INFO line and no traceback.
    log.info("client disconnected during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Last resort: log the type and path (never headers or bodies, which may hold the token).
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("internal error"), status_code=500)


def install(app: FastAPI) -> None:
    # Starlette types handlers as taking any Exception; these take the subclass they handle.
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(ClientDisconnect, _on_disconnect)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _on_unexpected)
