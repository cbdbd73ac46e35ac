"""`create_api(settings=None, index=None) -> FastAPI`: the search API with its protocol edges
(/v1 OpenAI, /api/v1/dify, /mcp). The served app adds the chat page to it (policyqa.app).

With an `index` the app serves it at once (tests, embedding); without one it opens the
persisted index in a background thread at start-up, so /healthz answers immediately and
/readyz (and every data route) answers 503 until the index is loaded.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from starlette.types import Scope

from assistant.api import errors
from assistant.api.hardening import SecurityHeadersMiddleware
from assistant.api.limits import BodyLimitMiddleware
from assistant.api.routes import chat, chunks, dify, documents, health, jobs, openai_compat, search, targets
from assistant.api.routes import feedback as feedback_routes
from policyqa.settings import Settings
from assistant.api.state import ApiState
from assistant.feedback import FeedbackStore
from assistant.mcp_server import HTTP_PATH, McpHttpEndpoint

log = logging.getLogger("assistant.api")

API_PREFIX = "/api/v1"
UPLOAD_PATH = f"{API_PREFIX}/documents"
MULTIPART_OVERHEAD = 64 * 1024  # form fields and boundaries around the uploaded files
DESCRIPTION = """Search and question answering over municipal 十四五节能减排综合工作方案 plans.

Every result carries a citation (document, section, paragraph) and the best-matching sentence.
Errors are JSON `{"detail": ..., "message": "..."}`; see docs/API.md for limits and examples."""


def _body_limits(settings: Settings):
    upload_limit = settings.max_upload_bytes * settings.max_upload_files + MULTIPART_OVERHEAD

    def limit_for(scope: Scope) -> int:
        path = scope.get("path", "")
        if scope.get("method") == "POST" and path.rstrip("/") == UPLOAD_PATH:
            return upload_limit
        if not path.startswith(("/api/", "/v1/", "/mcp", "/healthz", "/readyz")):
            return upload_limit  # the chat page's own traffic (Gradio) has its own framing
        return settings.max_body_bytes

    return limit_for


def create_api(
    settings: Settings | None = None,
    index: Any | None = None,
    load_early: bool = False,
    feedback: FeedbackStore | None = None,
) -> FastAPI:
    """The API, its state in `app.state.api` (an ApiState). Without `index`, the persisted one is
    opened in the background at start-up; with `load_early` that starts now. `feedback`: the
    answer feedback store (default: `<data dir>/feedback.sqlite3`; tests hand in their own).
    No page and no route at `/`: the served app adds them (policyqa.app)."""
    settings = settings if settings is not None else Settings()
    state = ApiState(settings, index, feedback)
    if load_early:
        state.start_loading()

    mcp_http = McpHttpEndpoint(state)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.start_loading()
        try:
            async with mcp_http.running():
                yield
        finally:
            state.stop()

    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from the package, not a CDN.
    app = FastAPIOffline(
        title="policy-qa search API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=lambda route: route.name,  # operationIds: search, chat, ...
    )
    app.state.api = state
    errors.install(app)

    api = APIRouter(prefix=API_PREFIX)
    for module in (search, chat, feedback_routes, documents, jobs, chunks, targets, dify):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    app.include_router(openai_compat.router)  # /v1/chat/completions, /v1/models
    app.add_route(HTTP_PATH, mcp_http, include_in_schema=False)  # type: ignore[arg-type]  # an ASGI app: MCP over streamable HTTP

    app.add_middleware(BodyLimitMiddleware, limit_for=_body_limits(settings))
    if settings.cors_origins:  # closed unless origins are configured
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every response, errors included
    return app
