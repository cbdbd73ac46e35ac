import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from corpus.catalog import load_corpus
import json

from index.bm25 import B, K1, PASSAGE_WEIGHT, BM25Retriever, index_text, passage_texts, passage_units
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
    own = retriever.retrieve("节能减排", top_k=300, filters=Filters(include_lead=False))
    assert own and all(h.chunk.kind != "lead" for h in own)
    with_lead = retriever.retrieve("节能减排", top_k=300)  # leads are retrieved by default...
    assert any(h.chunk.kind == "lead" for h in with_lead)


def test_a_lead_scores_at_the_lead_weight(chunks):
    # ...at LEAD_WEIGHT: the same text as a lead scores LEAD_WEIGHT times the plan's own paragraph.
    from dataclasses import replace

    from index.types import LEAD_WEIGHT

    body = next(c for c in chunks if c.kind == "body" and "清洁取暖" in c.text)
    lead = replace(body, chunk_id="lead-copy", kind="lead")
    others = [c for c in chunks if "清洁取暖" not in c.text][:20]  # idf needs other chunks
    hits = BM25Retriever([body, lead, *others]).retrieve("清洁取暖", top_k=2)
    assert [h.chunk.chunk_id for h in hits] == [body.chunk_id, "lead-copy"]
    assert abs(hits[1].score - LEAD_WEIGHT * hits[0].score) < 1e-6


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


def test_table_rows_carry_caption_and_header(chunks):
    texts = passage_texts(chunks)
    rows = [(i, c) for i, c in enumerate(chunks) if "\t" in c.text]
    assert rows, "the corpus has annex tables"
    for i, chunk in rows:
        caption = " ".join(chunk.section[-2:])
        assert index_text(chunk) == f"{caption} {chunk.search_text}"
        assert texts[i].startswith(caption) and texts[i].endswith(chunk.search_text)
    # A data row is read with its header (corpus.tables): its context names the columns.
    cement = next(c for _, c in rows if c.text.startswith("水泥熟料综合能耗"))
    assert "2020年实际值108" in cement.search_text and "2025年目标值104" in cement.search_text
    # A row without a context (none in the built-in plans) would carry the table's first row.
    from dataclasses import replace

    bare = [replace(c, context="") for _, c in rows[:3]]
    bare_texts = passage_texts(bare)
    assert index_text(bare[0]) in bare_texts[1]
    assert all(texts[k] == c.search_text for k, c in enumerate(chunks) if "\t" not in c.text)


def test_passage_units_cover_every_text_in_order():
    units, starts = passage_units(["甲，乙；丙。", "", "丁"])
    assert units == ["甲，", "乙；", "丙。", "", "丁"]
    assert starts.tolist() == [0, 3, 4]


def test_passage_scores_are_the_best_clause(chunks, retriever):
    tokens = retriever.tokenizer.tokenize("清洁取暖率")
    passage = retriever.passage_scores(tokens)
    units, starts = passage_units(passage_texts(chunks))
    best = int(np.argmax(passage))
    end = starts[best + 1] if best + 1 < len(starts) else len(units)
    assert any("清洁取暖" in u for u in units[starts[best]:end])
    mixed = retriever.combined_scores(tokens)
    para = retriever.score_tokens(tokens)
    expected = (1 - PASSAGE_WEIGHT) * para / para.max() + PASSAGE_WEIGHT * passage / passage.max()
    assert np.allclose(mixed, expected, atol=1e-6)


def test_answering_clause_outranks_a_paragraph_repeating_the_terms():
    # The diluted case: one clause answers, the other paragraph repeats the common terms.
    from dataclasses import replace

    base = replace(load_corpus(None)[0].chunks[0], kind="body", context="")
    long_text = "挥发性有机物综合整治，挥发性有机物源头替代，园区挥发性有机物治理，园区污染治理。"
    answer_text = "，".join(["加强统计能力建设", "健全能源计量体系", "完善在线监测系统", "开展节能诊断服务",
                             "培育专业人才队伍", "推进涉挥发性有机物工业园区建设绿岛项目",
                             "落实财税支持政策", "完善价格收费机制", "加强宣传教育引导"]) + "。"
    filler = [replace(base, chunk_id=f"f{i}", text=f"其他工作{i}。", match_text=f"其他工作{i}。") for i in range(8)]
    chunks = [replace(base, chunk_id="long", text=long_text, match_text=long_text),
              replace(base, chunk_id="answer", text=answer_text, match_text=answer_text), *filler]
    retriever = BM25Retriever(chunks)
    tokens = retriever.tokenizer.tokenize("涉挥发性有机物的工业园区建设什么")
    assert retriever.score_tokens(tokens)[0] > retriever.score_tokens(tokens)[1]  # paragraph BM25 alone
    assert retriever.retrieve("涉挥发性有机物的工业园区建设什么", top_k=1)[0].chunk.chunk_id == "answer"


def test_index_of_an_older_scheme_is_rebuilt_on_load(tmp_path, chunks, retriever):
    retriever.save(tmp_path / "bm25")
    params = tmp_path / "bm25" / "retriever.json"
    old = json.loads(params.read_text(encoding="utf-8"))
    old.pop("scheme")
    params.write_text(json.dumps(old), encoding="utf-8")
    loaded = BM25Retriever.load(tmp_path / "bm25", chunks, retriever.tokenizer)
    assert [h.chunk.chunk_id for h in loaded.retrieve("清洁取暖率", 5)] == \
        [h.chunk.chunk_id for h in retriever.retrieve("清洁取暖率", 5)]


def test_expansion_terms_count_less_than_the_querys_own(retriever):
    """retrieve_expanded: score(own terms) + w * score(expansion terms), w < 1 keeps a chunk that
    matches the question's own wording above one that only matches a synonym."""
    tokens = retriever.tokenizer.tokenize("电能利用效率")
    hits_zero = retriever.retrieve_expanded("电能利用效率", ("PUE",), 0.0, 5)
    assert [h.chunk.chunk_id for h in hits_zero] == [h.chunk.chunk_id for h in retriever.retrieve("电能利用效率", 5)]
    # full weight equals searching the own and the extra terms together
    both = retriever.retrieve_tokens(tokens + [t for t in retriever.tokenizer.tokenize("数据中心") if t not in tokens], 5)
    full = retriever.retrieve_expanded("电能利用效率", ("数据中心",), 1.0, 5)
    assert [h.chunk.chunk_id for h in full] == [h.chunk.chunk_id for h in both]
    # a low weight changes the order less than full weight: the top own-term chunk stays first
    low = retriever.retrieve_expanded("电能利用效率", ("数据中心",), 0.1, 5)
    assert low[0].chunk.chunk_id == retriever.retrieve("电能利用效率", 1)[0].chunk.chunk_id



def test_a_question_across_places_scores_the_corpus_once(retriever):
    # "各地…": one ranking per place, each masking the same whole-corpus scores
    from index.bm25 import SCORE_CACHE

    tokens = retriever.tokenizer.tokenize("城镇清洁取暖率")
    first = retriever.score_tokens(tokens)
    assert retriever.score_tokens(tokens) is first and not first.flags.writeable
    by_city = {city: retriever.retrieve_tokens(tokens, 3, Filters(cities=(city,))) for city in ("铁岭市", "安阳市")}
    assert all(h.chunk.city == city for city, hits in by_city.items() for h in hits)
    for i in range(SCORE_CACHE):  # bounded: older queries are scored again
        retriever.score_tokens([f"{i}"])
    assert retriever.score_tokens(tokens) is not first
    assert np.array_equal(retriever.score_tokens(tokens), first)
