"""`python -m assistant`: the program. Its `serve` command runs the served app, which is
assembled above the assistant layer (policyqa.app, the composition root); the program hands
it to the CLI, so assistant.cli imports nothing above its layer."""
import sys
from pathlib import Path

from assistant.cli import main


def _serve(host: str, port: int, data_dir: Path | None, workers: int | None = None) -> None:
    from policyqa.app import serve  # FastAPI and the API only for this command

    serve(host=host, port=port, data_dir=data_dir, workers=workers)


sys.exit(main(serve=_serve))
