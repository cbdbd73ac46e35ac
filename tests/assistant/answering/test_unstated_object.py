"""answering.evidence.unstated_object on inline paragraphs in the plans' wording: a figure found by
wording or similarity alone is another thing's when it names none of the asked object's rare
words, and the plan names that object only without a figure (issue 25: "a related indicator's
figure offered when the asked one is absent")."""
from __future__ import annotations

from assistant.answering.clauses import chunk_clauses
from assistant.answering.compose import compose
from assistant.answering.evidence import object_words, score_clauses, unstated_object
from assistant.model import Question
from assistant.understanding import analyze, topic_of
from corpus.model import Chunk
from corpus.text import matching, split_sentences
from index.types import Hit

FILLER = ["加快抽水蓄能建设，落实地方政府、开发企业、电网企业和技术单位四方责任。",
          "风电、光伏发电、生物质和水电装机分别为669万千瓦、391万千瓦、85万千瓦。",
          "推动新能源装机、发电量均翻两番以上。",
          "完善可再生能源电力消纳保障机制。",
          "稳步扩大光伏发电规模，有序发展风电。"]


def _chunk(n: int, text: str) -> Chunk:
    return Chunk(chunk_id=f"hn-{n}", doc_id="hn", city="湖南省", province="湖南省", title="规划", section=(),
                 section_path="", paragraph=n, section_paragraph=n, text=text, match_text=matching(text),
                 start=0, end=len(text), sentences=tuple(split_sentences(text)))


def _question(text: str) -> Question:
    return Question(text=text, resolved=matching(text), analysis=analyze(text, ["湖南省"]),
                    topic=topic_of(matching(text), ["湖南省"]))


def _hits(*texts: str) -> list[Hit]:
    return [Hit(_chunk(i, t), 1.0 - i / 10, "hybrid") for i, t in enumerate((*texts, *FILLER))]


def _best_and_admitted(q: Question, hits: list[Hit], value: str = "4450"):
    clauses = [c for rank, h in enumerate(hits) for c in chunk_clauses(h.chunk, rank, ())]
    scored = score_clauses(q, clauses, None)
    figure = next(s for s in scored if s.clause.figures and value in s.clause.text)
    return figure, scored


def test_the_asked_objects_words_leave_out_the_answers_form():
    assert object_words(_question("湖南电化学储能的装机规模是多少万千瓦？")) == ("电化学", "储能", "装机", "规模")


def test_a_figure_of_another_thing_yields_to_the_clause_naming_the_object_without_a_figure():
    q = _question("湖南电化学储能的装机规模是多少万千瓦？")
    hits = _hits("到2025年，可再生能源发电装机规模达到约4450万千瓦。", "力争“十四五”期间我省电化学储能行业实现规模化发展。")
    figure, scored = _best_and_admitted(q, hits)
    found = unstated_object(q, figure, scored, hits)
    assert found is not None and "电化学储能行业" in found.text


def test_a_figure_stated_for_the_object_stands():
    q = _question("湖南电化学储能的装机规模是多少万千瓦？")
    hits = _hits("到2025年，可再生能源发电装机规模达到约4450万千瓦。", "力争“十四五”期间我省电化学储能行业实现规模化发展。",
                 "电化学储能装机达到200万千瓦左右。")
    figure, scored = _best_and_admitted(q, hits)
    assert unstated_object(q, figure, scored, hits) is None


def test_a_figure_naming_a_rare_word_of_the_question_stands():
    """In everyday words ("庄稼秸秆回收利用的比例"), the figure clause naming 秸秆 answers."""
    q = _question("湖南庄稼秸秆回收利用的比例要到多少？")
    hits = _hits("秸秆综合利用率稳定在86%以上。", "推进秸秆回收体系建设。")
    clauses = [c for rank, h in enumerate(hits) for c in chunk_clauses(h.chunk, rank, ())]
    scored = score_clauses(q, clauses, None)
    figure = next(s for s in scored if "86%" in s.clause.text)
    assert unstated_object(q, figure, scored, hits) is None


def test_the_absence_quotes_the_clause_and_no_figure_it_would_seem_to_deny():
    q = _question("湖南电化学储能的装机规模是多少万千瓦？")
    hits = _hits("到2025年，可再生能源发电装机规模达到约4450万千瓦。",
                 "力争电化学储能行业实现规模化发展，完善新型储能价格机制。")
    answer = compose(q, hits, {}, all_cities=["湖南省"])
    assert answer.text.startswith("湖南省方案未给出电化学储能装机规模的具体数值"), answer.text
    assert "电化学储能行业实现规模化发展……" in answer.text
    assert "4450" not in answer.text and "1000" not in answer.text


def test_a_paragraph_naming_the_object_keeps_its_figure():
    """The figure's paragraph names the object (in another sentence): the figure is about it."""
    q = _question("湖南电化学储能的装机规模是多少万千瓦？")
    hits = _hits("大力发展电化学储能。到2025年，装机规模达到约200万千瓦。", "力争电化学储能行业实现规模化发展。")
    figure = next(s for s in _best_and_admitted(q, hits, "200")[1] if "200" in s.clause.text)
    assert unstated_object(q, figure, _best_and_admitted(q, hits, "200")[1], hits) is None
