"""What the chat page's framework (Gradio) exposes beyond the page itself, closed.

- Its upload routes (`/ui/gradio_api/upload`, `.../upload_progress`) accept any file from
  anyone, keep it outside the data dir and serve it back; the page has no file input, so they
  answer 404 and nothing is written.
- Its CORS middleware admits credentialed requests from localhost origins; its
  `Access-Control-*` headers are dropped, so `/ui` is as closed as the API (an origin listed
  in POLICYQA_CORS_ORIGINS is still answered by the app-wide CORS middleware outside this).

This module does not import Gradio.
"""
from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CLOSED_SUFFIXES = ("/gradio_api/upload", "/gradio_api/upload_progress")


def _closed(path: str) -> bool:
    return path.rstrip("/").endswith(CLOSED_SUFFIXES)


class GuardedUi:
    """Wraps the mounted Gradio app: closed routes answer 404, CORS headers are removed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _closed(scope.get("path", "")):
            body = json.dumps({"detail": "Not Found", "message": "Not Found"}).encode()
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return

        async def closed_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ())
                           if not k.lower().startswith(b"access-control-")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, closed_cors)
