import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from corpus.catalog import load_corpus
from index.bm25 import B, K1, BM25Retriever, index_text
from index.types import Filters

QUERIES = [
    "铁岭 2025年城镇清洁取暖率",
    "单位地区生产总值能耗下降14.5%",
    "化学需氧量 氨氮 氮氧化物 挥发性有机物 减排量",
    "市发展改革委 牵头 负责",
    "推进 节能 减排 工作",  # common terms: several idf values are floored
    "超低排放改造 燃煤锅炉 钢铁",
    "新能源汽车 充电桩",
    "不存在的词语组合xyz",
]


@pytest.fixture(scope="module")
def chunks():
    return [c for d in load_corpus(None) for c in d.chunks]


@pytest.fixture(scope="module")
def retriever(chunks):
    return BM25Retriever(chunks)


def test_scores_equal_rank_bm25_okapi(chunks, retriever):
    tk = retriever.tokenizer
    corpus_tokens = [tk.tokenize(index_text(c)) for c in chunks]
    reference = BM25Okapi(corpus_tokens, k1=K1, b=B, epsilon=0.0)
    negative_idf = [t for t, v in reference.idf.items() if v == 0.0]
    assert negative_idf, "corpus should contain terms in more than half the chunks"
    queries = QUERIES + [c.sentences[0] for c in chunks[::17] if c.sentences]
    queries.append(" ".join(negative_idf[:3]))
    for query in queries:
        tokens = tk.tokenize(query)
        ours = retriever.score_tokens(tokens)
        ref = reference.get_scores(tokens)
        assert np.allclose(ours, ref, rtol=1e-5, atol=1e-5), query


def test_retrieve_is_best_first_and_positive(retriever):
    hits = retriever.retrieve("城镇清洁取暖率", top_k=5)
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert all(h.source == "bm25" for h in hits)
    assert retriever.retrieve("xyzxyz", top_k=5) == []
    assert retriever.retrieve("", top_k=5) == []


def test_filters_mask_cities_docs_and_lead(retriever):
    hits = retriever.retrieve("清洁取暖", top_k=50, filters=Filters(cities=("安阳市",)))
    assert hits and {h.chunk.city for h in hits} == {"安阳市"}
    hits = retriever.retrieve("节能减排", top_k=300, filters=Filters(doc_ids=("tieling", "dingzhou")))
    assert {h.chunk.doc_id for h in hits} == {"tieling", "dingzhou"}
    assert all(h.chunk.kind != "lead" for h in retriever.retrieve("节能减排", top_k=300))
    with_lead = retriever.retrieve("节能减排", top_k=300, filters=Filters(include_lead=True))
    assert any(h.chunk.kind == "lead" for h in with_lead)


def test_save_load_round_trip(tmp_path, chunks, retriever):
    retriever.save(tmp_path / "bm25")
    loaded = BM25Retriever.load(tmp_path / "bm25", chunks, retriever.tokenizer)
    for query in QUERIES:
        assert np.array_equal(loaded.scores(query), retriever.scores(query))
    with pytest.raises(ValueError):
        BM25Retriever.load(tmp_path / "bm25", chunks[:-1], retriever.tokenizer)


def test_empty_corpus(tmp_path):
    empty = BM25Retriever([])
    assert empty.retrieve("能耗") == []
    empty.save(tmp_path / "e")
    assert BM25Retriever.load(tmp_path / "e", []).retrieve("能耗") == []
