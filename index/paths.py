"""Where the project keeps its data: one data directory, overridable by env or argument."""
from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "POLICYQA_DATA_DIR"


def default_data_dir() -> Path:
    """`POLICYQA_DATA_DIR` when set, else `<repo>/.data` (gitignored)."""
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(env).expanduser() if env else REPO_DIR / ".data"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """The given directory, or the default one; never creates it."""
    return Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
