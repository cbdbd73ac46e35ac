"""Connection limits for the uvicorn server: a whole-request read deadline and a connection cap.

uvicorn (0.54) closes idle keep-alive connections (`timeout_keep_alive`) and answers 503 past
`limit_concurrency`, but it has no read timeout: a client that opens a connection and sends
nothing, or half a header, or a body slower than it declared, holds the connection (and a file
descriptor) forever, and 20,000 of them starve the process. hypercorn's `read_timeout` restarts
on every read, so a client trickling a byte at a time is never cut off; granian's header timeout
does not cover the body. `GuardedH11Protocol` adds what is missing to uvicorn's own h11
protocol (the one it uses here, httptools not being installed):

- a deadline per request: from the first byte (or the connection) until the request's last
  body byte has arrived; when it passes, the client gets `408` (if no response has started)
  and the connection is closed;
- a cap on open connections: one over it gets `503` and is closed at once, before any parsing.

The deadline does not cover the app's own time (a slow search is not cut off), nor idle
keep-alive time (uvicorn's keep-alive timeout closes those).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("assistant.api")

def _raw_response(status: str, detail: str) -> bytes:
    body = ('{"detail": "%s", "message": "%s"}' % (detail, detail)).encode()
    return (f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\nconnection: close\r\n"
            f"content-length: {len(body)}\r\n\r\n").encode() + body


TIMEOUT_RESPONSE = _raw_response("408 Request Timeout", "request not received in time (headers or body)")
BUSY_RESPONSE = _raw_response("503 Service Unavailable", "too many open connections; try again later")


class GuardedH11Protocol(H11Protocol):
    """uvicorn's H11Protocol plus a request read deadline and a connection cap.

    Set the class attributes with `configure` before the server starts."""

    request_timeout: float = 15.0
    max_connections: int = 256

    @classmethod
    def configure(cls, request_timeout: float, max_connections: int) -> type[GuardedH11Protocol]:
        """A subclass carrying these limits (uvicorn instantiates the class itself)."""
        return type("GuardedH11Protocol", (cls,), {"request_timeout": request_timeout,
                                                  "max_connections": max_connections})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.max_connections:
            transport.write(BUSY_RESPONSE)
            transport.close()
            self.transport = transport
            self._refused = True
            return
        self._refused = False
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if getattr(self, "_refused", False):
            return
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if getattr(self, "_refused", False):
            return
        super().data_received(data)
        if self.transport.is_closing():
            return
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR):
            self._disarm()  # the whole request has arrived: the app may take its time
        elif self._deadline is None:
            self._arm()  # the next request on a keep-alive connection has begun

    def on_response_complete(self) -> None:
        super().on_response_complete()  # arms uvicorn's keep-alive timer for the idle wait
        if self.conn.their_state not in (h11.IDLE, h11.DONE, h11.MUST_CLOSE, h11.CLOSED):
            self._arm()  # a pipelined request is being read

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self.conn.their_state in (h11.DONE, h11.MUST_CLOSE):
            return
        started = self.cycle is not None and getattr(self.cycle, "response_started", False)
        if not started:
            self.transport.write(TIMEOUT_RESPONSE)
        log.info("closed a connection whose request did not arrive within %gs", self.request_timeout)
        self.transport.close()
