"""The composition root: the served app assembled from its layers, and `serve`, which runs it.

The API with its protocol edges and MCP (assistant.api.create_api), the chat page at /ui and the
admin page at /ui-admin (ui), and `/` leading to the page (or to the API docs without it).
`python -m assistant serve` and `make run` run `serve`; tests and the screenshot build the app
with `create_app` / `build_app`. Nothing below this module imports it.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from assistant.api.app import create_api
from assistant.api.server import load_settings, log_to_console, make_server
from assistant.api.state import ApiState
from assistant.feedback import FeedbackStore
from policyqa.settings import Settings

log = logging.getLogger("assistant.api")


def _mount_ui(app: FastAPI, state: ApiState, defer: bool) -> bool:
    """Mount the chat page when the `ui` package is importable; the API works without it.

    `defer`: answer /ui with a loading page and build the page after the index is loaded,
    so the API does not wait seconds for Gradio's import (what `serve` uses)."""
    try:
        if defer:
            from ui.deferred import mount_ui_deferred

            mount_ui_deferred(app, lambda: state.current().assistant, lambda: state.ready,
                              feedback=lambda: state.feedback)
            return True
        from ui.app import mount_ui
    except ImportError as exc:
        log.info("chat page not mounted: %s", exc)
        return False
    mount_ui(app, lambda: state.current().assistant, feedback=lambda: state.feedback)
    return True


def _mount_admin_page(app: FastAPI) -> None:
    """The admin page (/ui-admin): a page without data that reads GET /api/v1/admin/feedback with
    the token typed into it. It does not need Gradio, so it is served whether or not /ui is."""
    try:
        from ui.admin_view import admin_router
    except ImportError as exc:
        log.info("admin page not mounted: %s", exc)
        return
    app.include_router(admin_router())


def create_app(
    settings: Settings | None = None,
    index: Any | None = None,
    load_early: bool = False,
    defer_ui: bool = False,
    feedback: FeedbackStore | None = None,
) -> FastAPI:
    """The API and, with `settings.mount_ui`, the chat page. Without `index`, the persisted one
    is opened in the background at start-up; with `load_early` that starts now. With `defer_ui`
    the chat page is built in the background once the index is loaded (Gradio takes seconds to
    import), so the API is ready first; without it the page is mounted before this returns.
    `feedback`: the answer feedback store (default: `<data dir>/feedback.sqlite3`)."""
    settings = settings if settings is not None else Settings()
    app = create_api(settings, index, load_early=load_early, feedback=feedback)
    state: ApiState = app.state.api
    _mount_admin_page(app)
    ui_mounted = settings.mount_ui and _mount_ui(app, state, defer_ui)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui" if ui_mounted else "/docs")

    return app


def build_app(index: Any) -> FastAPI:
    """The real app serving `index`, with the chat page mounted at /ui the way `serve` mounts
    it (built in the background; see ui.deferred): for the browser tests and the screenshot."""
    return create_app(index=index, defer_ui=True)


def serve(host: str = "127.0.0.1", port: int = 8000, data_dir: Path | None = None,
          workers: int | None = None) -> None:
    """Run the served app under uvicorn. The persisted index is opened at start-up in the
    background (no re-embedding unless the corpus or embedder changed); /readyz turns 200 when
    it is loaded. `workers` (default POLICYQA_WORKERS; 0 = one per CPU core) processes share the
    port (assistant.api.workers): every one answers requests, one runs the upload jobs
    (assistant.api.builder_lock) and the others reload the index it publishes."""
    from assistant.api.workers import bind_socket, resolve_workers, run_workers

    settings = load_settings(data_dir)  # refuses bad values before binding the port
    log_to_console()
    count = resolve_workers(settings.workers if workers is None else workers)
    print(f"API: http://{host}:{port}/api/v1 (docs /docs), chat page: http://{host}:{port}/ui"
          + (f" ({count} worker processes)" if count > 1 else ""), flush=True)
    if count == 1:
        make_server(create_app(settings, load_early=True, defer_ui=True), host, port, settings=settings).run()
        return

    def run_one(number: int, sock: Any) -> None:
        app = create_app(settings, load_early=True, defer_ui=True)
        state: ApiState = app.state.api
        # accept connections only once this worker can answer (its index loaded, or it builds the
        # first one): a request never waits on, or is refused by, a worker still loading
        state.settled.wait()
        make_server(app, host, port, settings=settings).run(sockets=[sock])

    try:
        sock = bind_socket(host, port)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        sys.exit(1)
    raise SystemExit(run_workers(count, sock, run_one))
