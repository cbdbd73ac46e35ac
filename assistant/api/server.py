"""Running the API under uvicorn: `make_server` (uvicorn guarded by assistant.api.connections),
`load_settings` (a bad POLICYQA_* value exits with one line). `policyqa.app.serve` runs the
served app with them (`python -m assistant serve`).
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from policyqa.settings import Settings, SettingsError
from policyqa.settings import load_settings as read_settings

EXIT_USAGE = 2  # same code as the CLI's "bad usage or input"


def load_settings(data_dir: Path | None = None) -> Settings:
    """Settings from the POLICYQA_* environment; a bad value exits with a one-line reason."""
    try:
        return read_settings(data_dir=data_dir)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def make_server(app: Any, host: str, port: int, log_level: str = "info",
                settings: Settings | None = None) -> Any:
    """A uvicorn.Server for `app`; `serve` runs it, tests run it in a thread.

    uvicorn with its h11 protocol extended by assistant.api.connections (a read deadline per
    request and a connection cap, which uvicorn lacks), its own keep-alive timeout, and an
    access log without query strings."""
    import uvicorn

    from assistant.api.connections import GuardedH11Protocol
    from assistant.api.hardening import install_access_log_filter

    settings = settings if settings is not None else Settings()
    protocol = GuardedH11Protocol.configure(settings.request_timeout_s, settings.max_connections)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, http=protocol,
                            timeout_keep_alive=settings.keep_alive_s,
                            limit_concurrency=settings.max_connections + 16,  # the cap is enforced above
                            proxy_headers=False, server_header=False)  # no software banner
    install_access_log_filter()  # after Config: it (re)configures uvicorn's loggers
    return uvicorn.Server(config)


def log_to_console() -> None:
    """Show the API's own INFO lines (index loaded, uploads) next to uvicorn's, nothing else's."""
    logger = logging.getLogger("assistant.api")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
