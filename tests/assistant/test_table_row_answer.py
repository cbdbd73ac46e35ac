"""A figure answer from a table row quotes the row's value with its row label and column
(assistant.answering.figures: the table-row branch of the clause line), built from the built-in plans."""
from __future__ import annotations

import pytest

from assistant.answering.compose import compose
from assistant.model import Question
from assistant.table_targets import table_targets
from assistant.understanding import analyze
from corpus.catalog import builtin_documents
from corpus.text import matching
from index.types import Hit


@pytest.mark.parametrize("area", ["林州市", "殷都区"])
def test_a_county_table_value_is_quoted_with_its_row_not_under_its_column_header(area):
    # 安阳's county table: a row "林州市 | 19" under the column "“十四五”万元GDP能耗降低率目标（%）".
    docs = builtin_documents()
    cities = sorted({d.meta.city for d in docs})
    doc = next(d for d in docs if d.meta.city == "安阳市")
    row = next(c for c in doc.chunks if c.table_row and c.text.startswith(area))
    (target,) = table_targets(doc.chunks)[row.chunk_id]
    text = f"安阳市{area}万元GDP能耗降低率目标是多少？"
    q = Question(text=text, resolved=matching(text), analysis=analyze(text, cities), topic=text)
    answer = compose(q, [Hit(row, 0.5, "hybrid")], {row.chunk_id: [target]}, all_cities=cities)
    # The row's own value, named by its row and column; the column header is not a time phrase
    # to put before it ("“十四五”万元GDP能耗降低率目标（%），林州市…").
    assert answer.text == f"安阳市：{target.clause}。"
    assert target.value in answer.text and area in answer.text
    assert answer.citations[0].chunk.chunk_id == row.chunk_id
