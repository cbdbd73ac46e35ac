"""Properties of every answer: each figure in the answer text occurs in a cited sentence, and
every citation points at a real chunk and highlights a verbatim part of it (hypothesis draws
questions from the cities, the lexicon's indicator names and question templates)."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.service import Assistant
from assistant.understanding import synonym_groups
from corpus.text import fold

pytestmark = pytest.mark.slow

CITIES = ("安顺", "三门峡", "铁岭", "安阳", "定州")
TEMPLATES = ("{city}{name}要达到多少？", "{city}{name}的目标是多少", "{city}和{other}谁的{name}更高？",
             "{city}{name}由哪些部门负责？", "{city}在{name}方面有什么措施？", "{city}{name}什么时候完成？")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def assistant(search_index):
    return Assistant(search_index)


@st.composite
def questions(draw):
    city, other = draw(st.permutations(CITIES))[:2]
    name = draw(st.sampled_from([g[0] for g in synonym_groups()]))
    return draw(st.sampled_from(TEMPLATES)).format(city=city, other=other, name=name)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=questions())
def test_every_figure_occurs_in_a_cited_sentence(assistant, question):
    answer = assistant.answer(question)
    cited = fold(" ".join([c.highlight for c in answer.citations] + [r.sentence for r in answer.table]
                          + [c.chunk.context for c in answer.citations if "\t" in c.chunk.text]))
    have = set(_NUMBER.findall(cited))
    for number in _NUMBER.findall(fold(answer.text)):
        assert number in have, (question, answer.text)
    for citation in answer.citations:
        chunk = assistant.index.get_chunk(citation.chunk.chunk_id)
        assert chunk is not None and citation.highlight in chunk.text, (question, citation.highlight)
