"""One case per metadata filter over `levels_index` (tests/conftest.py: the built-in plans and
five real PDFs of other levels), shared by the tests of every interface: the filter as each
interface names it, and the places (DocumentMeta.city) every result must come from."""
from __future__ import annotations

from typing import Any

# (filters as the API's `filters` object, the places of the documents that pass them)
FILTER_CASES: list[tuple[dict[str, Any], set[str]]] = [
    ({"level": "国家"}, {"全国"}),
    ({"province": "河南"}, {"河南省", "安阳市", "三门峡市"}),  # the province's own and its cities'
    ({"city": "上海"}, {"上海市", "徐汇区"}),  # the 直辖市's own and its district's
    ({"doc_type": "通知"}, {"全国", "上海市"}),
    ({"year": 2021}, {"全国", "河南省"}),
    ({"issuer": "国家发展改革委"}, {"全国"}),  # written 国家发展改革委 in the document too; 发改委 also finds 徐汇区's
]
CASE_IDS = [next(iter(f)) for f, _ in FILTER_CASES]
SEARCH_QUERY = "节能降碳 能耗"  # every document passing each filter has a paragraph on it
CHAT_QUESTION = "低碳发展有哪些工作要求？"  # each filter leaves a document that answers it
