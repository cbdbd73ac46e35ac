from corpus.catalog import builtin_documents


def _chunks():
    return [c for d in builtin_documents() for c in d.chunks]


def test_citations_name_document_section_and_paragraph():
    chunk = next(c for c in _chunks() if "城镇清洁取暖率达到70%以上" in c.text)
    assert chunk.citation == "《铁岭市“十四五”节能减排综合工作方案》三、（三） 第1段"


def test_headings_are_cited_as_headings_so_no_two_paragraphs_share_a_citation():
    for doc in builtin_documents():
        # 安阳's annex 3 table is printed twice in the source; identical text may share a citation.
        body = {(c.citation, c.match_text) for c in doc.chunks if c.kind != "heading"}
        assert len(body) == len({cite for cite, _ in body}), doc.meta.doc_id
    heading = next(c for c in _chunks() if c.kind == "heading" and c.section_path == "一、")
    assert heading.citation.endswith("一、 标题")


def test_city_short_drops_the_administrative_suffix():
    meta = builtin_documents()[0].meta
    assert meta.city_short + "市" == meta.city
