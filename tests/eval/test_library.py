"""The library benchmark's scoring (eval.library_score, eval.library) on inline data: the build
itself (`make library`) is a benchmark, not a test."""
from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.model import Answer
from eval.library import compare_five_plan
from eval.library_score import (
    GoldRow, LibraryQuestion, filters_of, load_questions, retrieval, row_ranks, score_answer, score_question, summarise,
)
from index.types import Filters, Hit


def _q(kind: str, rows: list[tuple[str, str, str]], filters: dict | None = None, qid: str = "L001") -> LibraryQuestion:
    return LibraryQuestion(id=qid, kind=kind, question="问？", gold=tuple(GoldRow(*r) for r in rows), answer="答",
                           split="train", filters=filters or {})


def _a(text: str) -> Answer:
    return Answer(question="问？", resolved_query="问", kind="figure", text=text)


@pytest.fixture
def chunk(make_chunk):
    def make(doc_id: str, text: str, n: int = 0):
        return replace(make_chunk(f"{doc_id}-{n}", text), doc_id=doc_id)
    return make


LIST = _q("list", [("69.pdf", "单位地区生产总值能耗比2020年下降15%", "15%"),
                   ("111.pdf", "单位GDP能耗下降16%以上", "16%以上"),
                   ("dingzhou", "单位生产总值能耗下降17.5%", "17.5%")])
IDS = {"69.pdf": "doc-aaaa", "111.pdf": "doc-bbbb", "dingzhou": "dingzhou"}


def test_list_row_ranks_need_the_rows_own_document(chunk):
    chunks = [
        chunk("doc-bbbb", "到2025年，全市单位 GDP 能耗下降 16% 以上。"),  # row 2 (spaces folded)
        chunk("doc-cccc", "单位地区生产总值能耗比2020年下降15%"),  # row 1's clause, another document
        chunk("doc-aaaa", "其他内容"),
        chunk("doc-aaaa", "到2025年单位地区生产总值能耗比2020年下降15%。", 1),  # row 1
    ]
    ranks = row_ranks(LIST, IDS, chunks)
    assert ranks == [4, 1, None]
    figures = retrieval(ranks)
    assert figures["hit@1"] == 1.0 and figures["recall@5"] == 1.0
    assert figures["row_recall@10"] == pytest.approx(2 / 3)
    assert retrieval([None, 6])["recall@5"] == 0.0 and retrieval([None, 6])["row_recall@10"] == 0.5


def test_list_answer_scores_the_share_of_rows_stated():
    full = score_answer(LIST, _a("河北省：下降15%\n石家庄市：下降16%以上\n定州市：下降17.5%"))
    assert full["outcome"] == "correct" and full["score"] == 1.0
    part = score_answer(LIST, _a("河北省：下降15%\n石家庄市：下降16%"))  # 以上 optional; 定州 missing
    assert part["outcome"] == "partial" and part["score"] == pytest.approx(2 / 3) and "dingzhou" in part["detail"]
    # "5%" is not stated by "15%": figures are matched on number boundaries (eval.answers)
    assert score_answer(_q("list", [("a", "x", "5%"), ("b", "y", "6%")]), _a("下降15%，下降16%"))["score"] == 0.0


def test_absent_questions_need_the_answer_to_say_the_document_gives_none():
    q = _q("absent", [("anyang", "单位生产总值能耗下降18%以上", "18%以上")])
    assert score_answer(q, _a("河南省的文件未给出全省单位GDP能耗下降目标；安阳市的目标是18%以上。"))["outcome"] == "correct"
    missed = score_answer(q, _a("河南省单位GDP能耗下降18%以上。"))
    assert missed["outcome"] == "missed_absent" and missed["score"] == 0.0


def test_single_figure_kinds_use_the_answer_scorer():
    q = _q("whose", [("237.pdf", "非化石能源消费比重达到22%左右", "22%左右"), ("81.pdf", "非化石能源消费比重达到23%", "23%")])
    assert score_answer(q, _a("湖南省碳达峰意见：22%左右；生态环境保护规划：23%。"))["outcome"] == "correct"
    assert score_answer(q, _a("湖南省：22%左右。"))["outcome"] == "wrong_figure"
    assert score_answer(q, _a("湖南省的文件未给出该比重。"))["outcome"] == "false_absent"


def test_filters_dict_becomes_filters():
    assert filters_of(None) is None and filters_of({}) is None
    assert filters_of({"province": "上海市", "year": 2021}) == Filters(province="上海市", year=2021)
    assert filters_of({"level": "国家", "doc_type": "规划", "issuer": "生态环境部", "city": "深圳市"}) == Filters(
        level="国家", doc_type="规划", issuer="生态环境部", city="深圳市")
    assert filters_of({"year": 2022}).has_metadata  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="doc_ids"):
        filters_of({"doc_ids": ["x"]})


def test_every_library_question_loads_and_its_filters_build():
    questions = load_questions()
    assert len(questions) == 40
    assert {q.kind for q in questions} == {"scope", "whose", "list", "filter", "absent"}
    with_filters = [q for q in questions if q.filters]
    assert all(filters_of(q.filters) is not None for q in with_filters)
    assert all(q.filters for q in questions if q.kind == "filter")


def test_summary_per_kind_and_split_leaves_absent_out_of_retrieval(chunk):
    hits = [Hit(chunk("doc-bbbb", "单位GDP能耗下降16%以上"), 1.0, "hybrid")]
    rows = [score_question(LIST, IDS, hits, _a("石家庄：16%以上")),
            score_question(replace(_q("absent", [("anyang", "能耗下降18%以上", "18%以上")], qid="L003"), split="test"),
                           IDS, [], _a("未给出具体数值"))]
    s = summarise(rows)
    assert s["overall"]["n"] == 2 and s["overall"]["retrieval_n"] == 1
    assert s["overall"]["hit@1"] == 1.0 and s["overall"]["row_recall@10"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["overall"]["answers"] == pytest.approx((1 / 3 + 1) / 2, abs=1e-4)
    assert s["test"]["n"] == 1 and s["test"]["hit@1"] is None and s["test"]["answers"] == 1.0
    assert set(s["by_kind"]) == {"list", "absent"}


def test_distractor_comparison_names_lost_questions_and_new_false_absent():
    base = {"hit@1": 0.80, "test_hit@1": 0.8, "answers": 0.70, "false_absent": 1,
            "hits": {"q001": 1.0, "q002": 1.0, "q003": 0.0}, "outcomes": {"q001": "correct", "q002": "correct", "q003": "false_absent"}}
    same = compare_five_plan(base, base)
    assert same["holds"] and same["hit@1_drop"] == 0 and not same["new_false_absent"]
    library = {**base, "hit@1": 0.78, "answers": 0.69,
               "hits": {"q001": 0.0, "q002": 1.0, "q003": 1.0},
               "outcomes": {"q001": "false_absent", "q002": "correct", "q003": "false_absent"}}
    out = compare_five_plan(library, base)
    assert out["lost_hit@1"] == ["q001"] and out["won_hit@1"] == ["q003"]
    assert out["lost_answer"] == ["q001"] and out["new_false_absent"] == ["q001"]
    assert out["hit@1_drop"] == pytest.approx(0.02) and not out["holds"]
