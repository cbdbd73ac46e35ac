"""Property-based tests (hypothesis): arbitrary text never crashes query understanding,
follow-up resolution, chunking or the answer composer, and the composer's guarantees hold
on the real index: citations point at real chunks and every figure is quoted from one."""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from assistant.conversation import resolve
from assistant.model import QueryAnalysis
from assistant.service import Assistant
from assistant.understanding import analyze
from corpus.catalog import builtin_documents
from corpus.chunker import parse_plan
from corpus.text import matching as normalize_for_matching
from corpus.model import DocumentMeta

DOCUMENTS = [d.meta for d in builtin_documents()]
CITIES = sorted({m.city for m in DOCUMENTS})
KINDS = {"figure", "absent", "comparison", "measure", "responsibility", "not_found", "empty"}
NUMBER = re.compile(r"\d+(?:\.\d+)?")

# Words a real question is made of, so that generated text reaches the deep code paths
# (figures, comparisons, follow-ups), mixed with arbitrary characters.
CITY_WORDS = [*CITIES, *(c.rstrip("市") for c in CITIES), "鐵嶺", "北京", "某某市", "各市"]
TOPICS = ["城镇清洁取暖率", "单位地区生产总值能耗", "单位GDP能耗", "新能源汽车", "挥发性有机物",
          "氮氧化物排放", "绿色建筑", "污水集中收集率", "充电桩", "煤炭消费", "节能改造"]
ASKS = ["是多少", "要达到多少？", "有哪些措施", "由哪个部门负责", "比较一下", "那", "呢？", "2025年", "二〇二五年",
        "下降多少", "目标", "？", "，", "和", " "]
WORD = st.sampled_from(CITY_WORDS + TOPICS + ASKS)
NOISE = st.text(st.characters(codec="utf-8"), max_size=8)
QUESTION = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(WORD, WORD, NOISE), max_size=8).map("".join),
)
HISTORY = st.lists(QUESTION, max_size=3)
# Mostly well-formed questions (city + indicator + ask, perhaps with noise), some arbitrary text:
# arbitrary text alone ends in `empty` / `not_found` and never reaches figure composition.
REAL_QUESTION = st.builds(lambda *parts: "".join(parts), st.sampled_from(CITY_WORDS), st.sampled_from(TOPICS),
                          st.sampled_from(ASKS), st.one_of(st.just(""), NOISE))
ANSWER_QUESTION = st.one_of(REAL_QUESTION, REAL_QUESTION, REAL_QUESTION, QUESTION)
ANSWER_HISTORY = st.lists(st.one_of(REAL_QUESTION, QUESTION), max_size=3)


# --- query understanding and follow-up resolution --------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=QUESTION)
def test_analyze_never_crashes(text):
    analysis = analyze(text, DOCUMENTS)
    assert isinstance(analysis, QueryAnalysis)
    assert set(analysis.cities) <= set(CITIES)
    assert analysis.year is None or 2000 <= analysis.year <= 2099
    assert analysis.kind in {"figure", "measure", "responsibility", "comparison"}


@settings(max_examples=300, deadline=None)
@given(question=QUESTION, history=HISTORY)
def test_resolve_never_crashes(question, history):
    resolved, analysis = resolve(question, history, DOCUMENTS)
    assert isinstance(resolved, str) and isinstance(analysis, QueryAnalysis)
    assert set(analysis.cities) <= set(CITIES)


# --- chunking ----------------------------------------------------------------------------------

META = DocumentMeta(doc_id="prop", city="某市", province="某省", title="某市“十四五”节能减排综合工作方案")
HEADINGS = ["一、", "二、", "十一、", "（一）", "（十二）", "(三)", "1.", "2．", "（1）", "第一章 ", "附件", "附件1"]
SENTENCES = ["到2025年，城镇清洁取暖率达到70%以上。", "加强组织领导。", "市发展改革委牵头，各部门负责。",
             "单位地区生产总值能耗比2020年下降13.5%", "推进绿色建筑", "序号\t指标\t目标值", "1\t能耗\t13.5%"]
LINE = st.one_of(
    st.builds(lambda h, s: h + s, st.sampled_from(HEADINGS), st.sampled_from(SENTENCES)),
    st.sampled_from(SENTENCES),
    st.text(max_size=40),
    st.sampled_from(["", " ", "\u3000\u3000", "\t", "[bookmark: _GoBack]", "—— 1 ——"]),
)
PLAN = st.tuples(st.lists(LINE, max_size=30), st.sampled_from(["\n", "\r\n", "\r", "\n\n"])).map(
    lambda parts: parts[1].join(parts[0]))


@settings(max_examples=300, deadline=None)
@given(raw=PLAN)
def test_parse_plan_never_crashes_and_chunks_map_to_offsets(raw):
    doc = parse_plan(raw, META)
    previous_end = 0
    for n, c in enumerate(doc.chunks, start=1):
        assert c.paragraph == n and c.doc_id == "prop" and c.text.strip()
        assert previous_end <= c.start < c.end <= len(raw)  # reading order, no overlap
        assert normalize_for_matching(raw[c.start:c.end]) == c.match_text == normalize_for_matching(c.text)
        assert all(s in c.text for s in c.sentences)
        previous_end = c.end
    assert len({c.chunk_id for c in doc.chunks}) == len(doc.chunks)


# --- the answer composer on the real index ----------------------------------------------------


@pytest.fixture(scope="module")
def assistant(search_index) -> Assistant:
    return Assistant(search_index)


def _numbers(text: str) -> set[str]:
    return set(NUMBER.findall(unicodedata.normalize("NFKC", text)))


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=ANSWER_QUESTION, history=ANSWER_HISTORY)
@example(question="安阳市新能源汽车是多少", history=[])  # a table value quoted with its column (2025年目标值)
def test_answer_never_crashes_cites_real_chunks_and_quotes_its_figures(assistant, search_index,
                                                                        question, history):
    answer = assistant.answer(question, history=history)
    event(f"kind={answer.kind}")  # shown by --hypothesis-show-statistics
    assert answer.kind in KINDS and answer.text
    for n, citation in enumerate(answer.citations, start=1):
        assert citation.n == n
        assert search_index.get_chunk(citation.chunk.chunk_id) == citation.chunk  # a real chunk
        assert citation.highlight and citation.highlight in citation.chunk.text
    # a table row is quoted read with its header (Chunk.context: "…：2025年目标值4"), the row cited
    cited = set().union(*(_numbers(c.highlight) for c in answer.citations),
                        *(_numbers(c.chunk.context) for c in answer.citations if "\t" in c.chunk.text),
                        *(_numbers(r.sentence) for r in answer.table))
    missing = _numbers(answer.text) - cited
    assert not missing, (answer.text, missing)
    for row in answer.table:
        if row.chunk_id:
            assert row.sentence in search_index.get_chunk(row.chunk_id).text
