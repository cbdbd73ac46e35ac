"""Mount the chat page without making the API wait for Gradio.

Importing Gradio and building the page takes about 5 s on a small machine, longer than
loading the index. `mount_ui_deferred` answers `/ui` at once with a self-refreshing
"正在加载" page (503), builds the Gradio app in a worker thread once the index is ready
(so the two do not compete for the interpreter), runs Gradio's start-up events and then
forwards every `/ui` request to it. The search API is ready seconds earlier.

This module does not import Gradio itself: that is the point.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ui.document_view import document_router
from ui.guard import GuardedUi

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger("ui")
GetAssistant = Callable[[], "Assistant"]

UI_PATH = "/ui"
INDEX_WAIT_S = 300.0  # build the page anyway after this, so /ui never stays on "loading"
LOADING_HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2"><title>节能减排政策问答助手</title></head>
<body style="font-family: sans-serif; margin: 3em; color: #333">
<h2>节能减排政策问答助手</h2><p>页面正在加载，请稍候，几秒后将自动刷新。</p></body></html>"""


class DeferredApp:
    """ASGI app that serves a loading page until `target` is set, then forwards to it."""

    def __init__(self) -> None:
        self.target: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.target is not None:
            await self.target(scope, receive, send)
        elif scope["type"] == "http":
            page = HTMLResponse(LOADING_HTML, status_code=503, headers={"Retry-After": "2"})
            await page(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})  # try again later


def _build_gradio_app(get_assistant: GetAssistant, feedback: Callable[[], Any] | None = None) -> Any:
    """The chat page's Gradio app, configured exactly as ui.app.mount_ui does (runs in a thread)."""
    from ui.app import mount_gradio

    holder = FastAPI()
    mount_gradio(holder, get_assistant, feedback)
    mounted = next(getattr(route, "app") for route in holder.routes if getattr(route, "path", None) == UI_PATH)
    return mounted.app if isinstance(mounted, GuardedUi) else mounted  # re-guarded when served


async def _serve_page(deferred: DeferredApp, get_assistant: GetAssistant,
                      index_ready: Callable[[], bool], stop: asyncio.Event,
                      feedback: Callable[[], Any] | None = None) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + INDEX_WAIT_S
    while not index_ready() and loop.time() < deadline and not stop.is_set():
        await asyncio.sleep(0.1)
    if stop.is_set():
        return
    try:
        gradio_app = await asyncio.to_thread(_build_gradio_app, get_assistant, feedback)
    except Exception:  # the API keeps serving; /ui stays on its loading page, and the log says why
        log.exception("chat page could not be built")
        return
    # Gradio's own start-up (its queue) runs inside its lifespan, entered and left in this task.
    async with gradio_app.router.lifespan_context(gradio_app):
        blocks = gradio_app.get_blocks()
        blocks.run_startup_events()
        await blocks.run_extra_startup_events()
        deferred.target = GuardedUi(gradio_app)
        log.info("chat page ready at %s", UI_PATH)
        await stop.wait()


def mount_ui_deferred(app: FastAPI, get_assistant: GetAssistant,
                      index_ready: Callable[[], bool] = lambda: True,
                      feedback: Callable[[], Any] | None = None) -> DeferredApp:
    """Mount the document viewer now and the chat page at /ui as soon as it is built;
    `feedback` returns the answer feedback store (assistant.feedback) behind 有用 / 有误."""
    app.include_router(document_router(lambda: get_assistant().index))
    deferred = DeferredApp()
    app.mount(UI_PATH, deferred)
    outer = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(parent: FastAPI) -> AsyncIterator[Any]:
        async with outer(parent) as state:
            stop = asyncio.Event()
            task = asyncio.create_task(_serve_page(deferred, get_assistant, index_ready, stop, feedback))
            try:
                yield state
            finally:
                stop.set()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(task, timeout=10)

    app.router.lifespan_context = lifespan
    return deferred
