"""Metric plumbing on hand-computable rankings (no index needed)."""
from __future__ import annotations

import math

import pytest

from eval.metrics import aggregate, aggregate_by, gold_doc_ids, latency_summary, score_questions
from eval.questions import parse_question
from eval.relevance import gold_ranks

GOLD = "县城污水处理率达到97%"


def question(qid="q001", gold=(GOLD,), city="安顺市", qtype="measure"):
    return parse_question({"id": qid, "city": city, "type": qtype, "question": "问", "history": [],
                           "gold": list(gold), "answer": "答"})


def score(q, ranking):
    (s,) = score_questions([q], {q.id: ranking}, {q.id: gold_ranks(q, ranking)})
    return s


@pytest.fixture(scope="module")
def noise(make_chunk):
    return [make_chunk(f"n{i}", f"无关段落{i}") for i in range(10)]


@pytest.fixture(scope="module")
def gold_chunk(make_chunk):
    return make_chunk("g", "到2025年，县城污水处理率达到 97%，城市污泥无害化处置率达到95%。")


def test_gold_at_rank_two(noise, gold_chunk, make_chunk):
    s = score(question(), [noise[0], gold_chunk, *noise[1:5]])
    assert s.gold_ranks == (2,)
    assert s.values["Hit@1"] == 0.0 and s.values["Hit@5"] == 1.0
    assert s.values["MRR@10"] == pytest.approx(0.5)
    assert s.values["Recall@5"] == 1.0
    assert s.values["nDCG@10"] == pytest.approx(1 / math.log2(3))


def test_gold_first_scores_one_everywhere(noise, gold_chunk, make_chunk):
    s = score(question(), [gold_chunk, *noise[:4]])
    assert all(v == 1.0 for v in s.values.values())


def test_missing_gold_and_empty_ranking_score_zero(noise):
    for ranking in (noise, []):
        s = score(question(), ranking)
        assert s.gold_ranks == (None,) and all(v == 0.0 for v in s.values.values())


def test_gold_beyond_five_counts_only_at_ten(noise, gold_chunk, make_chunk):
    s = score(question(), [*noise[:6], gold_chunk])
    assert (s.values["Hit@5"], s.values["Hit@10"], s.values["Recall@5"], s.values["Recall@10"]) == (0, 1, 0, 1)
    assert s.values["MRR@10"] == pytest.approx(1 / 7)


def test_relevance_ignores_whitespace_and_full_width_forms(noise, make_chunk):
    spaced = make_chunk("s", "到 2025 年，县城污水处理率达到 ９７％。")
    assert score(question(), [spaced]).values["Hit@1"] == 1.0


def test_same_text_in_another_city_is_not_relevant(noise, gold_chunk, make_chunk):
    other = make_chunk("o", gold_chunk.text, city="铁岭市")
    s = score(question(), [other, gold_chunk])
    assert s.gold_ranks == (2,) and s.values["Hit@1"] == 0.0


def test_a_gold_quoted_twice_is_found_once(noise, gold_chunk, make_chunk):
    lead = make_chunk("lead", gold_chunk.text, kind="lead")
    q = question()
    assert gold_doc_ids(q, [gold_chunk, lead]) == ["g0", "c:lead"]
    s = score(q, [gold_chunk, lead])
    assert s.values["nDCG@10"] == pytest.approx(1.0) and s.values["Recall@10"] == 1.0


CROSS_GOLD = ("单位地区生产总值能耗比2020年下降13%以上", "单位地区生产总值能耗比2020年下降14.5%")


def cross_question():
    return parse_question({"id": "q009", "city": ["安顺市", "铁岭市"], "type": "cross_city", "question": "比较",
                           "history": [], "gold": list(CROSS_GOLD), "answer": "13%以上；14.5%"})


def test_cross_city_is_a_hit_only_when_all_golds_are_in(noise, make_chunk):
    anshun = make_chunk("a", "到2025年，全市单位地区生产总值能耗比2020年下降13%以上。")
    tieling = make_chunk("t", "到2025年，全市单位地区生产总值能耗比2020年下降14.5%。", city="铁岭市")
    s = score(cross_question(), [anshun, *noise[:5], tieling])
    assert s.gold_ranks == (1, 7)
    assert (s.values["Hit@1"], s.values["Hit@5"], s.values["Hit@10"]) == (0.0, 0.0, 1.0)
    assert s.values["Recall@5"] == pytest.approx(0.5) and s.values["Recall@10"] == 1.0
    assert s.values["MRR@10"] == 1.0
    both_top = score(cross_question(), [tieling, anshun])
    assert both_top.values["Hit@5"] == 1.0 and both_top.values["Hit@1"] == 1.0  # top-2 for 2 golds
    one_late = score(cross_question(), [tieling, noise[0], anshun])
    assert one_late.values["Hit@1"] == 0.0 and one_late.values["Hit@5"] == 1.0


def test_aggregates_per_type_and_city(noise, gold_chunk, make_chunk):
    q1, q2, q3 = question("q001"), question("q002", qtype="paraphrase"), cross_question()
    rankings = {"q001": [gold_chunk], "q002": noise, "q009": []}
    scores = score_questions([q1, q2, q3], rankings, {q.id: gold_ranks(q, rankings[q.id]) for q in (q1, q2, q3)})
    overall = aggregate(scores)
    assert overall["n"] == 3 and overall["Hit@1"] == pytest.approx(1 / 3)
    by_type = aggregate_by(scores, "type")
    assert by_type["measure"]["Hit@1"] == 1.0 and by_type["paraphrase"]["Hit@1"] == 0.0
    by_city = aggregate_by(scores, "city")
    assert by_city["安顺市"]["n"] == 2 and by_city["多市"]["n"] == 1  # cross-city counted once


def test_latency_summary():
    lat = latency_summary([float(i) for i in range(1, 101)])
    assert lat["mean"] == pytest.approx(50.5) and lat["p95"] == pytest.approx(95.05)
    assert latency_summary([]) == {"mean": 0.0, "p95": 0.0}
