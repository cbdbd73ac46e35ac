"""Where the project keeps its data: one data directory, overridable by env or argument."""
from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
# The data dir's embedding cache (index.embedding_cache): window and clause vectors, by text.
EMBEDDINGS_DIR = "embeddings"


def default_data_dir() -> Path:
    """`POLICYQA_DATA_DIR` (policyqa.settings) when set, else `<repo>/.data` (gitignored)."""
    from policyqa.settings import load_settings

    configured = load_settings().data_dir
    return Path(configured).expanduser() if configured else REPO_DIR / ".data"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """The given directory, or the default one; never creates it."""
    return Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
