"""The real-document facts measure: how read values are compared with the hand-made record."""
from __future__ import annotations

import pytest

from eval.real_facts import (RECORD, RECORD_ERRORS, Row, agree, body_set, load_record, normalize_body, record_city,
                             record_level, score)


@pytest.mark.parametrize("read, record", [
    ("中共中央、国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见", "关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见"),
    ("省住房城乡建设厅关于推进碳达峰目标下绿色城乡建设的指导意见", "江苏省关于推进碳达峰目标下绿色城乡建设的指导意见"),
    ("成都市能源结构调整十条政策措施", "《成都市能源结构调整十条政策措施》《成都市能源结构调整行动方案（2021-2025年）》"),
    ("辽宁省自然资源厅2021年度生态环境保护工作计划和措施清单", "辽宁省2021年度生态环境保护工作计划和措施清单"),
    ("电力可靠性管理办法(暂行)", "电力可靠性管理办法（暂行）"),
])
def test_titles_agree_on_matching_text_without_punctuation_and_issuer(read, record):
    assert agree("title", read, record)


@pytest.mark.parametrize("read, record", [
    ("国务院办公厅关于加强草原保护修复的若干意见", "关于加强草原保护修复的实施意见"),
    ("", "某某方案"),
    ("方案", "河南省坚决遏制“两高”项目盲目发展行动方案"),  # too short to count as contained
])
def test_titles_that_differ(read, record):
    assert not agree("title", read, record)


def test_issuers_compare_as_sets_of_normalised_bodies():
    assert agree("issuer", "工业和信息化部、国家发展和改革委员会、生态环境部", "工业和信息化部,国家发改委,生态环境部")
    assert agree("issuer", "生态环境部、国家发展和改革委员会", "国家发展改革委,生态环境部")  # order does not matter
    assert agree("issuer", "江苏省住房城乡建设厅", "江苏省住建厅")
    assert agree("issuer", "中共宁夏回族自治区委员会办公厅、宁夏回族自治区人民政府办公厅", "宁夏自治区党委,宁夏回族自治区人民政府")
    assert agree("issuer", "广州市人民代表大会常务委员会", "广州市人大(含常委会)")
    assert agree("issuer", "浙江省委、浙江省政府", "中共浙江省委,浙江省人民政府")
    assert not agree("issuer", "工业和信息化部", "工业和信息化部,生态环境部")  # the first body only is no agreement
    assert not agree("issuer", "", "生态环境部")
    assert normalize_body("住房城乡建设部") == normalize_body("住建部") == "住房和城乡建设部"
    assert normalize_body("国家发展改革委") == normalize_body("发展改革委") == "国家发展和改革委员会"
    assert body_set(["天津市住建委员会"]) == body_set(["天津市住房和城乡建设委员会"])


def test_dates_kinds_and_places():
    assert agree("date", "2021-09-22", "2021.09.22") and not agree("date", "2021-09-21", "2021.09.22")
    assert agree("doc_type", "方案", "行动工作方案") and agree("doc_type", "意见", "意见决定")
    assert agree("doc_type", "导则", "办法条例") and not agree("doc_type", "规划", "行动工作方案")
    assert record_level("", "") == "国家" and record_level("河南省", "") == "省"
    assert record_level("湖北省", "武汉市") == "市" and record_level("上海市", "徐汇区") == "县"
    assert record_city("", "") == "全国" and record_city("江苏省", "") == "江苏省" and record_city("甘肃省", "陇南") == "陇南"
    assert agree("city", "陇南市", "陇南") and agree("city", "全国", "全国") and not agree("city", "临沂市", "临汾市")
    assert agree("province", "重庆市", "重庆市、四川省") and agree("province", "", "")
    assert agree("level", "县", "县") and not agree("level", "市", "县")


def test_score_counts_record_errors_apart():
    rows = [Row("a.pdf", "甲市某某行动方案", "甲市人民政府", "2022.01.02", "行动工作方案", "", "河南省", "郑州市"),
            Row("b.pdf", "某某生态环境保护规划", "生态环境部", "2022.03.04", "规划", "", "", "")]
    reads = {"a.pdf": {"title": "甲市某某行动方案", "issuer": "郑州市人民政府", "date": "2022-01-02", "doc_type": "方案",
                       "level": "市", "province": "河南省", "city": "郑州市"},
             "b.pdf": {"title": "某某生态环境保护规划", "issuer": "生态环境部", "date": "2022-03-05", "doc_type": "规划",
                       "level": "国家", "province": "", "city": "全国"}}
    result = score(rows, reads, record_errors={"b.pdf": {"date": "the 落款 says 2022-03-05"}})
    assert result["title"]["agreement"] == 1.0
    assert result["issuer"]["agreement"] == 0.5 and result["issuer"]["disagreements"][0]["file"] == "a.pdf"
    assert result["date"]["agreement"] == 0.5 and result["date"]["agreement_without_record_errors"] == 1.0
    assert result["date"]["record_errors"][0]["reason"] == "the 落款 says 2022-03-05"


def test_the_record_and_its_listed_errors():
    rows = load_record(RECORD)
    assert len(rows) == 160
    files = {r.file for r in rows}
    assert set(RECORD_ERRORS) <= files
    assert all(field in ("title", "issuer", "date", "doc_type", "level", "province", "city") and reason
               for errors in RECORD_ERRORS.values() for field, reason in errors.items())


def test_rows_listed_as_not_stated_are_record_rows_and_no_record_errors():
    from eval.real_facts import COMPARED, NOT_STATED

    files = {r.file for r in load_record(RECORD)}
    for field, listed in NOT_STATED.items():
        assert field in COMPARED and set(listed) <= files and len(set(listed)) == len(listed)
        assert not [f for f in listed if field in RECORD_ERRORS.get(f, {})], field  # one judgement per row
