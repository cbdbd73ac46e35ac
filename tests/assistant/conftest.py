"""`live_url`: the API app under a real uvicorn on loopback, for the protocol clients (openai,
mcp, Dify requests) of tests/assistant and tests/assistant/api."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.assistant.api.conftest import DIFY_KEY, make_settings


@pytest.fixture(scope="session")
def live_url(search_index) -> Iterator[str]:
    """Base URL of a real server (lifespan on: the MCP endpoint runs) serving the session's
    index, with POLICYQA_DIFY_API_KEY set; stopped at the end of the session."""
    from policyqa.app import create_app
    from ui.serve import running_server

    with running_server(create_app(make_settings(dify_api_key=DIFY_KEY), index=search_index)) as url:
        yield url


@pytest.fixture(scope="session")
def levels_url(levels_index) -> Iterator[str]:
    """Like `live_url`, over `levels_index` (documents of every level)."""
    from policyqa.app import create_app
    from ui.serve import running_server

    with running_server(create_app(make_settings(dify_api_key=DIFY_KEY), index=levels_index)) as url:
        yield url
