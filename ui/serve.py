"""Run the app in a background uvicorn thread on a free loopback port (screenshot, browser tests)
and launch the system Chromium for Playwright (never Playwright's own browser download)."""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from policyqa.settings import load_settings

# Debian's chromium package; POLICYQA_CHROMIUM (policyqa.settings) for other systems.
CHROMIUM = load_settings().chromium
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
)


@contextmanager
def running_server(app: FastAPI, host: str = "127.0.0.1", timeout: float = 60.0) -> Iterator[str]:
    """Serve `app` until the block exits; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))  # the OS picks a free port; uvicorn serves on this very socket
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        base = f"http://{host}:{port}"
        _wait_for_page(base, deadline)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait_for_page(base: str, deadline: float) -> None:
    """Wait while /ui answers 503 (the chat page is still being built in the background)."""
    import httpx

    with httpx.Client(timeout=5) as http:
        while http.get(f"{base}/ui/").status_code == 503:
            if time.monotonic() > deadline:
                raise RuntimeError("the chat page was not ready in time")
            time.sleep(0.1)


def launch_chromium(playwright: Any) -> Any:
    """Headless system Chromium; raises FileNotFoundError with the fix when it is missing."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not found; run scripts/install-chromium.sh")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
