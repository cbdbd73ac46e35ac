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


def test_neighbours_stay_inside_the_document_in_reading_order():
    from corpus.model import neighbours_at

    docs = builtin_documents()
    chunks = [c for d in docs for c in d.chunks]
    first_of_second = len(docs[0].chunks)
    # The first chunk of the second plan has no neighbour before it in its own document.
    got = neighbours_at(chunks, first_of_second, before=2, after=2)
    assert got == tuple(docs[1].chunks[1:3])
    last_of_first = first_of_second - 1
    assert neighbours_at(chunks, last_of_first, before=1, after=3) == (docs[0].chunks[-2],)
    assert neighbours_at(chunks, 5, before=0, after=0) == ()
