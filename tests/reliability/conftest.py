"""Fixtures for the reliability tests: the API over the session's real index (read-only;
`raise_server_exceptions=False` so that a server error is observed as the 500 a client
would get), and the CLI run in-process."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app

from .helpers import make_settings


@pytest.fixture(scope="session")
def api(search_index) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), index=search_index), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def run_cli(search_index, capsys):
    """`run_cli(*argv)` -> (exit code, stdout, stderr) of `python -m assistant` in-process."""
    from assistant.cli import main

    def _run(*argv: str, data_dir: str | None = None) -> tuple[int, str, str]:
        try:
            code = main(["--data-dir", data_dir or str(search_index.data_dir), *argv])
        except SystemExit as exc:  # argparse and CliError leave through sys.exit
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return _run
