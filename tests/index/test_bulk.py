"""index.bulk: which files a bulk import reads, and keyword search while it reads.

The kill -9 and resume behaviour of `python -m assistant add FOLDER` is tested for real in
tests/reliability/test_bulk_import.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.bulk import add_files, select_files
from index.engine import SearchIndex
from index.store import ensure_index, load_index

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "eval" / "real" / "pdfs"


def test_folders_are_walked_in_order_and_odd_files_refused_or_skipped(tmp_path):
    root = tmp_path / "lib"
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for rel in ("b/deep/2.pdf", "b/1.docx", "a.TXT", "c.wps", "b/old.doc", "notes.md", "table.xls",
                ".hidden/x.pdf", ".DS_Store", "noext"):
        (root / rel).write_bytes(b"x")
    named = tmp_path / "plan.rtf"
    named.write_bytes(b"{\\rtf1}")
    selection = select_files([root, root / "a.TXT", named])
    assert [p.relative_to(root).as_posix() for p in selection.files] == ["a.TXT", "b/1.docx", "b/deep/2.pdf"]
    assert [(r.path.name, r.status) for r in selection.refused] == [
        ("c.wps", "refused"), ("old.doc", "refused"), ("plan.rtf", "refused")]
    assert selection.refused[1].reason == ".doc files cannot be read: save it as .docx or .pdf and add that"
    assert selection.skipped == 4  # notes.md, table.xls, .DS_Store, noext (not the hidden folder's)
    with pytest.raises(FileNotFoundError):
        select_files([root, tmp_path / "missing"])


def test_each_plan_is_searchable_by_keywords_as_soon_as_read(fresh_data_dir, search_index, tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for name in ("23.pdf", "351.pdf", "131.pdf"):
        shutil.copy(REAL / name, folder / name)
    data_dir = fresh_data_dir
    ensure_index(data_dir, search_index.embedder)
    seen: list[set[str]] = []

    def after_build(_build) -> None:  # what the index on disk serves after each keyword build
        state = load_index(data_dir, search_index.embedder, check_corpus=False)
        seen.append({m.doc_id for m in state.documents})

    report = add_files(data_dir, select_files([folder]).files, search_index.embedder, refresh_factor=0,
                       on_index=after_build, embed=False)
    added = [r.meta.doc_id for r in report.results if r.meta is not None]
    assert [r.status for r in report.results] == ["added"] * 3
    # refresh_factor 0: a build after every file (the last one's is the final build)
    assert report.lexical_builds == 3 and [len(s & set(added)) for s in seen] == [1, 2, 3]
    assert report.build is not None and report.build.pending > 0 and report.build.embedded == 0
    index = SearchIndex(data_dir, search_index.embedder, load_index(data_dir, search_index.embedder))
    for result in report.results:
        assert result.meta is not None
        top = index.search(result.meta.title, mode="bm25", top_k=3, auto_filter=False)
        assert result.meta.doc_id in {h.chunk.doc_id for h in top}
        assert result.meta.doc_id not in {h.chunk.doc_id for h in index.dense.retrieve(result.meta.title, 50)}
    final = ensure_index(data_dir, search_index.embedder)  # the next build embeds what waits
    assert final.rebuilt and final.embedded > 0 and final.pending == 0
    index = SearchIndex(data_dir, search_index.embedder, load_index(data_dir, search_index.embedder))
    for result in report.results:
        assert result.meta is not None
        assert result.meta.doc_id in {h.chunk.doc_id for h in index.dense.retrieve(result.meta.title, 10)}
