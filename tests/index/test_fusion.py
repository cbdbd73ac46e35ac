import pytest

from corpus.model import Chunk
from index.fusion import reciprocal_rank_fusion
from index.types import Hit


def _chunk(cid: str) -> Chunk:
    return Chunk(chunk_id=cid, doc_id="d", city="铁岭市", province="辽宁省", title="t", section=(),
                 section_path="", paragraph=1, section_paragraph=1, text=cid, match_text=cid,
                 start=0, end=1, sentences=(cid,))


def _hits(*ids: str, source: str = "bm25") -> list[Hit]:
    return [Hit(_chunk(i), 10.0 - n, source) for n, i in enumerate(ids)]


def test_scores_follow_the_formula():
    fused = reciprocal_rank_fusion([_hits("a", "b"), _hits("b", "c")], k=60)
    scores = {h.chunk.chunk_id: h.score for h in fused}
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["c"] == pytest.approx(1 / 62)
    assert [h.chunk.chunk_id for h in fused] == ["b", "a", "c"]
    assert all(h.source == "hybrid" for h in fused)


def test_agreement_beats_a_single_first_place():
    fused = reciprocal_rank_fusion([_hits("x", "y"), _hits("z", "y")])
    assert fused[0].chunk.chunk_id == "y"


def test_weights_and_top_k():
    fused = reciprocal_rank_fusion([_hits("a"), _hits("b")], weights=[1.0, 2.0], top_k=1)
    assert [h.chunk.chunk_id for h in fused] == ["b"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([_hits("a")], weights=[1.0, 1.0])


def test_ties_keep_first_appearance_and_duplicates_count_once():
    fused = reciprocal_rank_fusion([_hits("a", "a", "b"), _hits("b", "a")])
    scores = {h.chunk.chunk_id: h.score for h in fused}
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)  # rank 2 after de-duplication
    assert [h.chunk.chunk_id for h in fused] == ["a", "b"]


def test_empty_inputs():
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([[], []]) == []
