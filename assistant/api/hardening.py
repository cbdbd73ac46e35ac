"""Response hardening for every route (API, health, chat page): security headers, HEAD on
GET routes, and an access log that records paths without query strings.

Pure ASGI, so it also covers the mounted Gradio app and the error responses of other middleware.
"""
from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
# Only frame-ancestors: the chat page's framework relies on inline scripts and styles, so a
# script-src policy would break it; framing (clickjacking) is what this closes.
FRAME_POLICY = (b"content-security-policy", b"frame-ancestors 'none'")


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response, and answers HEAD as GET without a body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope.get("method") == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"server"]
                names = {k.lower() for k, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in names]
                if FRAME_POLICY[0] not in names:
                    headers.append(FRAME_POLICY)
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, secured_send)


class PathOnlyAccessLog(logging.Filter):
    """uvicorn.access records carry (client, method, path?query, http version, status): keep
    the path, drop the query string (it may hold users' questions or a misplaced token)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], *args[3:])
        return True


def install_access_log_filter() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, PathOnlyAccessLog) for f in logger.filters):
        logger.addFilter(PathOnlyAccessLog())
