import hashlib
from dataclasses import replace

from corpus.catalog import PLANS_DIR, builtin_documents, corpus_hash, load_corpus
from corpus.ingest import ingest_bytes
from corpus.model import Document

SEEDS = {"anshun": "000", "sanmenxia": "001", "tieling": "002", "anyang": "003", "dingzhou": "004"}


def test_manifest_matches_plan_files(manifest):
    assert [row["doc_id"] for row in manifest] == list(SEEDS)
    for row in manifest:
        data = (PLANS_DIR / row["source_file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["content_hash"]
        assert row["title"] in data.decode("utf-8")  # titles are quoted from the documents
    by_id = {row["doc_id"]: row for row in manifest}
    assert by_id["anshun"]["doc_number"] == "安府发〔2022〕17号"
    assert by_id["anyang"]["title"].endswith("综合实施方案")
    assert by_id["tieling"]["issuer"] == ""  # the 铁岭 text names no issuer


def test_dates_appear_in_documents(manifest):
    for row in manifest:
        if row["date"]:
            y, m, d = (int(x) for x in row["date"].split("-"))
            text = (PLANS_DIR / row["source_file"]).read_text(encoding="utf-8")
            assert f"{y}年{m}月{d}日" in text, row["doc_id"]


def test_builtins_cached_and_loaded(tmp_path):
    first, second = builtin_documents(), builtin_documents()
    assert [d.meta.doc_id for d in first] == list(SEEDS)
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert [d.meta.doc_id for d in load_corpus(None)] == list(SEEDS)
    assert [d.meta.doc_id for d in load_corpus(tmp_path)] == list(SEEDS)  # empty data dir


def test_load_corpus_includes_added_documents(tmp_path):
    text = "某市“十四五”节能减排综合工作方案\n一、主要目标\n到2025年，单位生产总值能耗下降15%。\n"
    ingest_bytes(text.encode("utf-8"), "a.txt", tmp_path, city="某市", province="某省")
    docs = load_corpus(tmp_path)
    assert len(docs) == 6 and docs[-1].meta.city == "某市"
    assert docs[-1].meta.title == "某市“十四五”节能减排综合工作方案"
    assert any("15%" in c.text for c in docs[-1].chunks)


def test_corpus_hash_changes_iff_chunks_change():
    docs = builtin_documents()
    assert corpus_hash(docs) == corpus_hash(list(docs))
    first = docs[0]
    edited = Document(first.meta, first.chunks[:-1] + (replace(first.chunks[-1], text=first.chunks[-1].text + "。"),))
    assert corpus_hash([edited, *docs[1:]]) != corpus_hash(docs)
    assert corpus_hash(docs[:-1]) != corpus_hash(docs)
