"""The parsed-document cache (corpus.parsed_cache): an added plan is read once, not at every
process start; what the cache gives equals what reading gives; a damaged, stale or foreign
entry is read again; the stored file's sha256 is still checked before any cached parse is used."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus import catalog, parsed_cache
from corpus.catalog import DOCUMENTS_DIR, MANIFEST, _load, _load_cached, corpus_hash, scan_corpus
from corpus.ingest import ingest_file
from corpus.parsed_cache import PARSED_DIR, ParsedCache, entry_key

REPO = Path(__file__).resolve().parents[2]
REAL_PDFS = REPO / "eval" / "real" / "pdfs"
SMALL_PDFS = ("21.pdf", "131.pdf")  # two pages and one page: a 通知 with a table, a national 意见


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A data dir with two small real PDFs and a built-in plan's text (as a .txt under another
    name: same bytes as a built-in would be a duplicate, so one line is changed) added."""
    data_dir = tmp_path / "data"
    for name in SMALL_PDFS:
        ingest_file(REAL_PDFS / name, data_dir)
    text = (catalog.PLANS_DIR / "tieling.txt").read_text(encoding="utf-8").replace("铁岭", "寅岭")
    plan = tmp_path / "yinling.txt"
    plan.write_text(text, encoding="utf-8")
    ingest_file(plan, data_dir, city="寅岭市", province="辽宁省")
    _load_cached.cache_clear()  # what a new process starts with
    return data_dir


@pytest.fixture
def no_reading(monkeypatch):
    """Reading a stored plan fails the test: what is served must come from the cache."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("a stored plan was read again")

    monkeypatch.setattr(catalog, "read_source", refuse)


def _metas(data_dir: Path):
    return catalog.read_manifest(data_dir / DOCUMENTS_DIR / MANIFEST)


def test_a_new_process_serves_added_plans_from_the_cache_exactly_as_read(stored, monkeypatch):
    folder = stored / DOCUMENTS_DIR
    read = [_load(folder, meta) for meta in _metas(stored)]  # no cache: read and parsed now
    assert len(read) == 3 and all(d.chunks for d in read)
    assert len(list((stored / PARSED_DIR).glob("*.json"))) == 3  # written when they were added

    def refuse(*_args, **_kwargs):
        raise AssertionError("a stored plan was read again")

    monkeypatch.setattr(catalog, "read_source", refuse)
    served = catalog.added_documents(stored)
    assert served == read  # every field of every chunk and of the metadata
    assert corpus_hash(served) == corpus_hash(read)
    assert [d.meta.pages for d in served[:2]] == [2, 1]


def test_the_stored_file_is_still_verified_before_the_cache_is_used(stored, no_reading):
    metas = _metas(stored)
    target = stored / DOCUMENTS_DIR / metas[0].source_file
    target.write_bytes(target.read_bytes() + b"\n% edited")
    scan = scan_corpus(stored)
    assert [p.doc_id for p in scan.problems] == [metas[0].doc_id]
    assert "sha256 mismatch" in scan.problems[0].reason
    assert [d.meta.doc_id for d in scan.documents][5:] == [m.doc_id for m in metas[1:]]
    target.unlink()
    _load_cached.cache_clear()
    assert "is missing" in scan_corpus(stored).problems[0].reason


@pytest.mark.parametrize("damage", ["truncated", "body-edited", "header-of-another", "not-json", "empty"])
def test_a_damaged_entry_is_read_again_and_rewritten(stored, damage):
    meta = _metas(stored)[0]
    cache = ParsedCache(stored)
    path = cache.folder / f"{entry_key(meta)}.json"
    raw = path.read_bytes()
    header, _, body = raw.partition(b"\n")
    other = cache.folder / f"{entry_key(_metas(stored)[1])}.json"
    damaged = {
        "truncated": raw[: len(raw) // 2],
        "body-edited": header + b"\n" + body.replace("2".encode(), "3".encode(), 1),
        "header-of-another": other.read_bytes().partition(b"\n")[0] + b"\n" + body,
        "not-json": b"\x00\xff garbage",
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    assert cache.get(meta) is None
    document = catalog.added_documents(stored)[0]  # read from the stored file again
    assert document == _load(stored / DOCUMENTS_DIR, meta)
    assert path.read_bytes() == raw  # rewritten as it was
    assert cache.get(meta) == document


def test_another_reader_misses_the_cache(stored, monkeypatch):
    meta = _metas(stored)[0]
    assert ParsedCache(stored).get(meta) is not None
    monkeypatch.setattr(parsed_cache, "READER_VERSION", parsed_cache.READER_VERSION + 1)
    parsed_cache.reader_fingerprint.cache_clear()
    try:
        assert ParsedCache(stored).get(meta) is None  # a bumped reader reads every plan again
        assert catalog.added_documents(stored)[0] == _load(stored / DOCUMENTS_DIR, meta)
    finally:
        parsed_cache.reader_fingerprint.cache_clear()


def test_the_code_and_library_versions_are_in_the_fingerprint(monkeypatch):
    before = parsed_cache.reader_fingerprint()
    real = parsed_cache.importlib.metadata.version

    def other_version(name: str) -> str:
        return "0.0.0" if name == "pdfplumber" else real(name)

    monkeypatch.setattr(parsed_cache.importlib.metadata, "version", other_version)
    parsed_cache.reader_fingerprint.cache_clear()
    try:
        assert parsed_cache.reader_fingerprint() != before
    finally:
        monkeypatch.undo()
        parsed_cache.reader_fingerprint.cache_clear()
    assert parsed_cache.reader_fingerprint() == before


def test_accepted_changes_are_read_again_and_stale_entries_pruned(stored):
    meta = _metas(stored)[2]  # the .txt plan
    path = stored / DOCUMENTS_DIR / meta.source_file
    path.write_text(path.read_text(encoding="utf-8").replace("70%", "71%"), encoding="utf-8")
    from corpus.ingest import accept_changes

    accept_changes(stored, meta.source_file)
    _load_cached.cache_clear()
    edited = catalog.added_documents(stored)[2]
    assert any("71%" in c.text for c in edited.chunks) and not any("70%以上" in c.text for c in edited.chunks)
    assert len(list((stored / PARSED_DIR).glob("*.json"))) == 4  # the old entry is still there
    assert catalog.prune_parsed(stored) == 1
    keys = {p.stem for p in (stored / PARSED_DIR).glob("*.json")}
    assert keys == {entry_key(m) for m in _metas(stored)}


def test_an_unwritable_cache_only_costs_time(stored, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(stored, copy)
    shutil.rmtree(copy / PARSED_DIR)
    (copy / PARSED_DIR).write_text("not a folder")  # the cache cannot be written
    _load_cached.cache_clear()
    documents = catalog.added_documents(copy)
    assert [d.meta.doc_id for d in documents] == [m.doc_id for m in _metas(stored)]
    assert json.loads((copy / DOCUMENTS_DIR / MANIFEST).read_text(encoding="utf-8"))  # untouched
