"""Metadata filters (index.filters): each field's semantics, refused values, and the same result
on both backends (the local index and Milvus) over real documents of every level."""
from __future__ import annotations

import pytest

from corpus.issuers import issuer_matches
from corpus.model import DocumentMeta
from index.filters import FilterError, matching_documents, normalize, resolve
from index.types import Filters


def _doc(doc_id, city, province, level, doc_type="方案", date="", issuer="", prefecture=""):
    return DocumentMeta(doc_id=doc_id, city=city, province=province, title=f"{doc_id}", level=level,
                        doc_type=doc_type, date=date, issuer=issuer, prefecture=prefecture)


DOCS = (
    _doc("anyang", "安阳市", "河南省", "市", date="2022-06-01", issuer="安阳市人民政府"),
    _doc("henan", "河南省", "河南省", "省", date="2021-11-08", issuer="河南省人民政府办公厅"),
    _doc("linzhou", "林州市", "河南省", "县", "通知", "2023-01-05", "林州市发展和改革委员会", "安阳市"),
    _doc("ndrc", "全国", "", "国家", "通知", "2022-04-09", "国家发展改革委、国家能源局"),
    _doc("mee", "全国", "", "国家", "意见", "2021-05-30", "生态环境部"),
    _doc("tieling", "铁岭市", "辽宁省", "市"),
)


def _ids(**fields) -> list[str]:
    return [d.doc_id for d in matching_documents(Filters(**fields), DOCS)]


@pytest.mark.parametrize("fields, expected", [
    ({"level": "国家"}, ["ndrc", "mee"]),
    ({"level": "县级"}, ["linzhou"]),
    ({"province": "河南"}, ["anyang", "henan", "linzhou"]),  # the province's own, its cities' and counties'
    ({"province": "辽宁省"}, ["tieling"]),
    ({"city": "安阳"}, ["anyang", "linzhou"]),  # the city and its counties, not its province
    ({"city": "林州市"}, ["linzhou"]),
    ({"city": "河南省"}, ["anyang", "henan", "linzhou"]),
    ({"city": "全国"}, ["ndrc", "mee"]),  # the national documents, not all
    ({"city": "国家"}, ["ndrc", "mee"]),
    ({"doc_type": "通知"}, ["linzhou", "ndrc"]),
    ({"doc_type": "意见决定"}, ["mee"]),  # a kind's class
    ({"year": 2022}, ["anyang", "ndrc"]),
    ({"year": 2020}, []),
    ({"issuer": "国家发展和改革委员会"}, ["ndrc"]),  # the full name of 国家发展改革委
    ({"issuer": "发改委"}, ["linzhou", "ndrc"]),  # a short form, found in any place's 发展和改革委员会
    ({"issuer": "河南省人民政府"}, ["henan"]),  # its 办公厅 stands for it
    ({"issuer": "国家能源局"}, ["ndrc"]),  # the second of two bodies
    ({"province": "河南", "level": "县"}, ["linzhou"]),  # fields combine with "and"
    ({"level": "国家", "year": 2021, "doc_type": "意见"}, ["mee"]),
])
def test_each_field(fields, expected):
    assert _ids(**fields) == expected


def test_resolve_turns_the_metadata_fields_into_doc_ids():
    assert resolve(Filters(province="河南", include_lead=False), DOCS) == Filters(
        doc_ids=("anyang", "henan", "linzhou"), include_lead=False)
    assert resolve(Filters(province="河南", doc_ids=("henan", "tieling")), DOCS) == Filters(doc_ids=("henan",))
    assert resolve(Filters(year=1999), DOCS) is None  # nothing passes: nothing to search
    plain = Filters(cities=("铁岭市",))
    assert resolve(plain, DOCS) is plain and resolve(None, DOCS) == Filters()


def test_unresolved_metadata_fields_are_refused_by_the_backends():
    from index.milvus import filter_expression

    with pytest.raises(ValueError, match="resolved"):
        Filters(level="省").accepts(object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="resolved"):
        filter_expression(Filters(issuer="发改委"))
    assert filter_expression(resolve(Filters(city="安阳"), DOCS)) == 'doc_id in ["anyang", "linzhou"]'


@pytest.mark.parametrize("fields, field, message", [
    ({"level": "乡"}, "level", "unknown level '乡'"),
    ({"province": "火星"}, "province", "unknown province '火星'"),
    ({"province": "安阳"}, "province", "unknown province '安阳'"),  # a city is no province
    ({"city": "火星"}, "city", "unknown city '火星'"),
    ({"doc_type": "小说"}, "doc_type", "unknown kind '小说'"),
    ({"year": 20222}, "year", "year must be an integer"),
    ({"issuer": "？？"}, "issuer", "letter or digit"),
    ({"issuer": "局" * 101}, "issuer", "at most 100"),
])
def test_unknown_values_are_refused_naming_the_field(fields, field, message):
    with pytest.raises(FilterError, match=message) as caught:
        normalize(Filters(**fields), DOCS)
    assert caught.value.field == field


def test_values_come_back_in_their_stored_form():
    assert normalize(Filters(province="河南", city="安阳", level="省级", doc_type=" 方案 "), DOCS) == Filters(
        province="河南省", city="安阳市", level="省", doc_type="方案")


def test_issuer_short_forms():
    assert issuer_matches("国家发展改革委", "国家发展和改革委员会")
    assert issuer_matches("发展改革委", "国家发展和改革委员会、国家能源局")
    assert issuer_matches("住建部", "住房和城乡建设部")
    assert not issuer_matches("生态环境部", "国家发展和改革委员会")
    assert not issuer_matches("", "生态环境部")


# --- both backends, real documents of every level ----------------------------------------------

LEVEL_CASES = [  # (filters, the documents' places every hit must come from)
    (Filters(level="国家"), {"全国"}),
    (Filters(level="省"), {"河南省", "上海市"}),
    (Filters(level="县"), {"定州市", "徐汇区"}),
    (Filters(province="河南"), {"河南省", "安阳市", "三门峡市"}),
    (Filters(province="上海"), {"上海市", "徐汇区"}),
    (Filters(city="安阳"), {"安阳市"}),
    (Filters(city="保定市"), {"定州市"}),  # a county-level city of 保定市
    (Filters(city="全国"), {"全国"}),
    (Filters(doc_type="通知"), {"全国", "上海市"}),
    (Filters(doc_type="办法"), {"徐汇区"}),
    (Filters(year=2021), {"全国", "河南省"}),
    (Filters(issuer="国家发展改革委"), {"全国"}),
    (Filters(issuer="发改委"), {"全国", "徐汇区"}),
]
QUERY = "节能降碳 能耗"


@pytest.mark.slow
@pytest.mark.parametrize("filters, places", LEVEL_CASES)
def test_each_filter_on_the_local_backend(levels_index, filters, places):
    hits = levels_index.search(QUERY, top_k=50, filters=filters)
    assert hits and {h.chunk.city for h in hits} == places  # every place passing the filter has a hit


@pytest.fixture(scope="module")
def milvus_backend(levels_milvus):
    return levels_milvus


@pytest.mark.slow
def test_each_filter_on_the_milvus_backend_as_on_the_local_one(levels_index, milvus_backend):
    from assistant.service import Assistant

    local, milvus = Assistant(levels_index), Assistant(milvus_backend)
    assert {d.doc_id: d.level for d in milvus_backend.documents} == {d.doc_id: d.level for d in levels_index.documents}
    for filters, places in LEVEL_CASES:
        want = [h.chunk.chunk_id for h in local.search(QUERY, top_k=20, filters=filters).hits]
        got = milvus.search(QUERY, top_k=20, filters=filters).hits
        assert {h.chunk.city for h in got} <= places, filters
        assert [h.chunk.chunk_id for h in got] == want, filters
    # The dense ranking itself is filtered by Milvus (a `doc_id in [...]` expression).
    resolved = resolve(Filters(province="河南"), milvus_backend.documents)
    assert resolved is not None
    dense = milvus_backend.dense.retrieve("遏制两高项目盲目发展", top_k=10, filters=resolved)
    assert dense and {h.chunk.city for h in dense} <= {"河南省", "安阳市", "三门峡市"}
