from __future__ import annotations

import re
from dataclasses import dataclass, field

import gradio as gr
import pytest

from assistant.model import Answer, Citation
from corpus.model import DocumentMeta
from index.types import Filters
from ui.app import ANY, answer_turn, build_blocks, city_choices, filter_choices, page_filters


@dataclass
class _Recorder:
    """Records what the page passes on; answers with one citation of `chunk`."""

    chunk: object
    documents: tuple = ()
    calls: list = field(default_factory=list)

    @property
    def index(self):
        return self

    def neighbours(self, chunk_id, before=1, after=1):
        return ()

    def answer(self, question, history=(), cities=(), mode="hybrid", filters=None):
        self.calls.append((question, tuple(history)))
        self.filters = filters
        return Answer(question=question, resolved_query=question, kind="figure", text="达到70%。",
                      citations=(Citation(n=1, chunk=self.chunk, highlight="", score=1.0),))


def _run(get_assistant, question, chat=(), asked=()):
    return list(answer_turn(get_assistant, question, list(chat), list(asked), [], 3, "hybrid"))


def test_empty_input_gets_a_friendly_message_and_no_search(make_chunk):
    rec = _Recorder(make_chunk(12, "x"))
    steps = _run(lambda: rec, "   ")
    box, chat, asked = steps[-1]
    assert rec.calls == [] and asked == []
    assert "请输入问题" in chat[-1]["content"] and chat[-1]["role"] == "assistant"


def test_turn_shows_pending_then_answer_and_feeds_history(make_chunk):
    rec = _Recorder(make_chunk(12, "到2025年达到70%。"))
    first = _run(lambda: rec, "铁岭 2025年城镇清洁取暖率")
    assert "正在检索" in first[0][1][-1]["content"]
    _, chat, asked = first[-1]
    assert "达到70%" in chat[-1]["content"] and asked == ["铁岭 2025年城镇清洁取暖率"]
    _, chat, asked = _run(lambda: rec, "那安阳呢？", chat, asked)[-1]
    assert rec.calls[-1] == ("那安阳呢？", ("铁岭 2025年城镇清洁取暖率",))
    assert [m["role"] for m in chat] == ["user", "assistant", "user", "assistant"]
    assert asked == ["铁岭 2025年城镇清洁取暖率", "那安阳呢？"]


def test_user_text_is_escaped(make_chunk):
    rec = _Recorder(make_chunk(12, "x"))
    _, chat, _ = _run(lambda: rec, "<img src=x onerror=alert(1)>")[-1]
    assert "<img" not in chat[0]["content"] and "&lt;img" in chat[0]["content"]


def test_index_not_ready_and_failures_are_chinese_messages(make_chunk):
    def not_ready():
        raise RuntimeError("index is loading")

    _, chat, asked = _run(not_ready, "铁岭")[-1]
    assert "正在加载" in chat[-1]["content"] and asked == []

    class Broken(_Recorder):
        def answer(self, question, history=(), cities=(), mode="hybrid", filters=None):
            raise ValueError("boom")

    _, chat, _ = _run(lambda: Broken(make_chunk(1, "x")), "铁岭")[-1]
    assert "出错" in chat[-1]["content"] and "boom" not in chat[-1]["content"]


def test_city_choices_one_per_city_sorted():
    docs = [DocumentMeta(doc_id=i, city=c, province=p, title="t") for i, c, p in
            [("a", "铁岭市", "辽宁省"), ("b", "安阳市", "河南省"), ("c", "铁岭市", "辽宁省")]]
    assert city_choices(docs) == [("安阳市（河南省）", "安阳市"), ("铁岭市（辽宁省）", "铁岭市")]


def test_blocks_build_with_the_chinese_controls():
    blocks = build_blocks(lambda: None)
    assert isinstance(blocks, gr.Blocks)
    config = str(blocks.get_config_file())
    for label in ("城市筛选", "来源数量", "高级设置", "检索方式", "清空对话", "示例问题", "节能减排政策问答助手",
                  "文件筛选", "级别", "省份", "文种", "年份", "发文机关"):
        assert label in config


@pytest.fixture(scope="module")
def real_assistant(search_index):
    from assistant.service import Assistant

    return Assistant(search_index)


@pytest.mark.slow
def test_city_filter_restricts_the_sources(real_assistant):
    _, chat, asked = _run_with(real_assistant, "2025年城镇清洁取暖率", cities=["安阳市"])[-1]
    html = chat[-1]["content"]
    assert "《安阳市" in html and "《铁岭市" not in html
    assert len(asked) == 1


@pytest.mark.slow
def test_unrelated_question_says_nothing_was_found(real_assistant):
    _, chat, _ = _run_with(real_assistant, "火星基地的宇航员招募条件")[-1]
    assert "未在已收录" in chat[-1]["content"] and "pqa-card" not in chat[-1]["content"]


@pytest.mark.slow
def test_follow_up_uses_the_earlier_question(real_assistant):
    _, chat, asked = _run_with(real_assistant, "铁岭 2025年城镇清洁取暖率")[-1]
    _, chat, asked = _run_with(real_assistant, "那安阳呢？", chat, asked)[-1]
    assert "安阳市" in chat[-1]["content"].split('class="pqa-sources"')[0]
    assert "《安阳市" in chat[-1]["content"]


def _run_with(assistant, question, chat=(), asked=(), cities=(), n_sources=5, mode="hybrid"):
    return list(answer_turn(lambda: assistant, question, list(chat), list(asked), list(cities), n_sources, mode))


def test_overlong_question_gets_a_friendly_message_and_is_not_answered():
    from ui.app import max_question_chars, start_turn
    MAX_QUESTION_CHARS = max_question_chars()

    box, chat, pending = start_turn("清洁取暖" * MAX_QUESTION_CHARS, [])
    assert box == "" and pending == ""  # nothing is handed to the assistant
    assert "问题过长" in chat[-1]["content"]


def test_every_answer_gets_a_feedback_bar_with_its_remembered_answer_id(make_chunk, tmp_path):
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(tmp_path)
    rec = _Recorder(make_chunk(12, "到2025年达到70%。"))
    first = list(answer_turn(lambda: rec, "铁岭 2025年城镇清洁取暖率", [], [], [], 3, "bm25", lambda: store))
    _, chat, asked = first[-1]
    html = chat[-1]["content"]
    assert "有用" in html and "有误" in html and 'class="pqa-feedback"' in html
    answer_id = html.split('<span class="pqa-fb-aid">', 1)[1].split("<", 1)[0]
    _, chat, _ = list(answer_turn(lambda: rec, "那安阳呢？", chat, asked, [], 3, "hybrid", lambda: store))[-1]
    follow_up = chat[-1]["content"].split('<span class="pqa-fb-aid">', 1)[1].split("<", 1)[0]
    remembered = store.recall(answer_id), store.recall(follow_up)
    assert remembered[0] is not None and remembered[0].mode == "bm25" and remembered[0].source == "ui"
    assert remembered[1] is not None and remembered[1].history == ("铁岭 2025年城镇清洁取暖率",)
    assert not (tmp_path / "feedback.sqlite3").exists()  # remembered in memory only (the log is off)


def test_no_feedback_bar_without_a_store_or_for_an_empty_question(make_chunk, tmp_path):
    from assistant.feedback import FeedbackStore

    rec = _Recorder(make_chunk(12, "x"))
    _, chat, _ = _run(lambda: rec, "铁岭")[-1]
    assert "pqa-feedback" not in chat[-1]["content"]
    _, chat, _ = list(answer_turn(lambda: rec, "   ", [], [], [], 3, "hybrid", lambda: FeedbackStore(tmp_path)))[-1]
    assert "pqa-feedback" not in chat[-1]["content"]


# --- 文件筛选: level, province, kind, year dropdowns and an issuer box ------------------------------


def test_filter_choices_come_from_the_documents():
    docs = [DocumentMeta(doc_id="a", city="安阳市", province="河南省", title="t", doc_type="方案", date="2022-05-01"),
            DocumentMeta(doc_id="b", city="全国", province="", title="t", doc_type="通知", date="2021-01-02"),
            DocumentMeta(doc_id="c", city="铁岭市", province="辽宁省", title="t")]
    # provinces in GB/T 2260 order (辽宁 21, 河南 41), as the 文件库 tab lists them
    assert filter_choices(docs) == {"level": [ANY, "国家", "省", "市", "县"], "province": [ANY, "辽宁省", "河南省"],
                                    "doc_type": [ANY, "方案", "通知"], "year": [ANY, "2022", "2021"]}


def test_page_filters_read_the_controls():
    assert page_filters(ANY, ANY, ANY, ANY, "  ") is None
    assert page_filters("国家", ANY, "通知", "2022", " 发改委 ") == Filters(level="国家", doc_type="通知", year=2022,
                                                                         issuer="发改委")
    assert page_filters(None, "河南省", None, None, None) == Filters(province="河南省")


def test_the_filters_reach_the_assistant(make_chunk):
    rec = _Recorder(make_chunk(12, "x"))
    list(answer_turn(lambda: rec, "能耗", [], [], [], 3, "hybrid", filters=Filters(level="省")))
    assert rec.filters == Filters(level="省")


@pytest.fixture(scope="module")
def levels_assistant(levels_index):
    from assistant.service import Assistant

    return Assistant(levels_index)


@pytest.mark.slow
@pytest.mark.parametrize("controls, titles, others", [
    (("国家", ANY, ANY, ANY, ""), ("《生态环境部", "《国家发展改革委"), ("《河南省", "《徐汇区", "《上海市")),
    ((ANY, "河南省", ANY, "2021", ""), ("《河南省",), ("《安阳市", "《三门峡市", "《生态环境部")),
    ((ANY, ANY, "办法", ANY, ""), ("《徐汇区",), ("《上海市", "《生态环境部")),
    ((ANY, ANY, ANY, ANY, "国家发展改革委"), ("《国家发展改革委",), ("《生态环境部", "《徐汇区")),
])
def test_filters_restrict_the_sources(levels_assistant, controls, titles, others):
    from tests.filter_cases import CHAT_QUESTION

    turn = answer_turn(lambda: levels_assistant, CHAT_QUESTION, [], [], [], 5, "hybrid", filters=page_filters(*controls))
    cited = re.findall(r'<span class="pqa-cite">([^<]*)</span>', list(turn)[-1][1][-1]["content"])
    assert cited and all(any(c.startswith(t) for t in titles) for c in cited), cited
    assert not any(c.startswith(t) for c in cited for t in others)


@pytest.mark.slow
def test_a_bad_filter_is_a_chinese_notice(levels_assistant):
    turn = answer_turn(lambda: levels_assistant, "能耗", [], [], [], 5, "hybrid", filters=Filters(issuer="？？"))
    _, chat, asked = list(turn)[-1]
    assert "筛选条件有误" in chat[-1]["content"] and asked == []
