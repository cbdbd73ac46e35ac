
import numpy as np
import pytest

from corpus.catalog import load_corpus
from corpus.text import matching
from index.dense import WINDOW_CHARS, DenseRetriever, chunk_windows, make_faiss_index, window_prefix
from index.types import Filters

pytestmark = pytest.mark.slow
TARGET = "城镇清洁取暖率达到70%以上"


@pytest.fixture(scope="module")
def chunks():
    return [c for d in load_corpus(None) for c in d.chunks]


def test_windows_cover_the_chunk_within_the_size_limit(chunks):
    long_ones = [c for c in chunks if len(c.text) > WINDOW_CHARS]
    assert long_ones, "the corpus has paragraphs longer than one window"
    for chunk in chunks:
        prefix = window_prefix(chunk)
        windows = chunk_windows(chunk)
        assert all(w.startswith(prefix) and chunk.city in prefix for w in windows)
        bodies = [w[len(prefix):] for w in windows]
        assert all(len(b) <= WINDOW_CHARS for b in bodies)
        # A table row or a lead is embedded by its context (corpus.tables / corpus.leads).
        expected = chunk.context or "".join(matching(s) for s in (chunk.sentences or (chunk.text,)))
        assert "".join(bodies).replace(" ", "") == expected.replace(" ", "")
    assert any(len(chunk_windows(c)) > 1 for c in long_ones)
    for section in chunks[40].section:
        assert matching(section) in window_prefix(chunks[40])


def test_a_window_is_the_same_in_either_script(chunks):
    """Dense embeds matching text: a plan reposted in Traditional script gets the same windows."""
    from dataclasses import replace

    from corpus.text import matching as m
    import opencc

    s2t = opencc.OpenCC("s2t")
    chunk = next(c for c in chunks if "清洁取暖" in c.text)
    twin = replace(chunk, text=s2t.convert(chunk.text), sentences=tuple(s2t.convert(x) for x in chunk.sentences),
                   section=tuple(s2t.convert(x) for x in chunk.section))
    assert twin.text != chunk.text
    assert chunk_windows(twin) == chunk_windows(chunk)
    assert m(twin.text) == chunk.match_text


def test_dense_finds_the_clean_heating_target(search_index):
    hits = search_index.dense.retrieve("铁岭 2025年城镇清洁取暖率", top_k=5)
    assert any(TARGET in h.chunk.text for h in hits)
    assert all(h.source == "dense" for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and -1.0 <= scores[-1] <= scores[0] <= 1.0001


def test_dense_filters_by_city_and_doc(search_index):
    hits = search_index.dense.retrieve("清洁取暖", top_k=20, filters=Filters(cities=("定州市",)))
    assert len(hits) == 20 and {h.chunk.city for h in hits} == {"定州市"}
    hits = search_index.dense.retrieve("清洁取暖", top_k=500, filters=Filters(doc_ids=("tieling",)))
    tieling = [c for c in search_index.chunks if c.doc_id == "tieling" and c.kind != "lead"]
    assert len(hits) == len(tieling)  # oversampling reaches every accepted chunk
    assert len({h.chunk.chunk_id for h in hits}) == len(hits)
    assert search_index.dense.retrieve("清洁取暖", filters=Filters(cities=("北京市",))) == []


def _exact(dense, vector, top_k, filters):
    """Reference: every accepted chunk scored by its best window (lead weight applied), in
    Python over all windows, best first, ties in reading order."""
    vectors = dense.index.reconstruct_n(0, dense.index.ntotal)
    raw = dense.index.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), dense.index.ntotal)
    by_window = dict(zip(raw[1][0].tolist(), raw[0][0].tolist()))  # faiss's own scores
    assert len(by_window) == len(vectors)
    best: dict[int, float] = {}
    for wid, owner in enumerate(dense.window_owner.tolist()):
        chunk = dense.chunks[owner]
        if filters.accepts(chunk):
            score = by_window[wid] * (0.6 if chunk.kind == "lead" else 1.0)
            best[owner] = max(best.get(owner, -np.inf), score)
    return [i for i, _ in sorted(best.items(), key=lambda item: (-item[1], item[0]))[:top_k]]


def test_filtered_dense_search_is_exact_over_the_accepted_chunks(search_index):
    """With filters, the flat index searches the accepted chunks' windows only: the ranking is
    the exact one over those chunks, however few of the corpus they are (leads left out: a
    lead's weight applies among the best windows found, not over every window)."""
    dense = search_index.dense
    tieling = tuple(d.doc_id for d in search_index.documents if d.city == "铁岭市")
    for query, filters in [("清洁取暖", Filters(cities=("定州市",), include_lead=False)),
                           ("挥发性有机物综合治理", Filters(doc_ids=tieling, include_lead=False)),
                           ("新能源汽车推广", Filters(cities=("安阳市", "安顺市"), include_lead=False))]:
        vector = dense.embedder.embed_queries([query])[0]
        for top_k in (5, 50):
            got = dense.retrieve_vector(vector, top_k, filters)
            assert [dense.chunks.index(h.chunk) for h in got] == _exact(dense, vector, top_k, filters)
    # without filters: the best windows of all (no lead in the first ten here)
    vector = dense.embedder.embed_queries(["单位地区生产总值能耗"])[0]
    got = dense.retrieve_vector(vector, 10)
    assert all(h.chunk.kind != "lead" for h in got)
    assert [dense.chunks.index(h.chunk) for h in got] == _exact(dense, vector, 10, Filters(include_lead=False))


@pytest.mark.parametrize("index_type", ["hnsw", "ivf"])
def test_ann_index_types_agree_with_flat_on_top_hits(search_index, index_type):
    flat = search_index.dense
    vectors = flat.index.reconstruct_n(0, flat.index.ntotal)
    other = DenseRetriever.from_vectors(search_index.chunks, flat.window_owner, vectors,
                                        flat.embedder, index_type)
    for query in ("铁岭 城镇清洁取暖率", "挥发性有机物综合治理", "新能源汽车推广"):
        vector = flat.embedder.embed_queries([query])[0]
        expected = [h.chunk.chunk_id for h in flat.retrieve_vector(vector, 3)]
        got = [h.chunk.chunk_id for h in other.retrieve_vector(vector, 3)]
        assert got[0] == expected[0]


def test_unknown_index_type_and_empty_index():
    with pytest.raises(ValueError, match="flat, hnsw, ivf"):
        make_faiss_index(np.zeros((2, 4), dtype=np.float32), "lsh")
    assert make_faiss_index(np.zeros((0, 4), dtype=np.float32), "hnsw").ntotal == 0
