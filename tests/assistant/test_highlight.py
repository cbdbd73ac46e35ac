from corpus.catalog import builtin_documents
from assistant.highlight import best_sentence, body_sentences, is_responsibility_note


def _chunk(doc_id: str, section_path: str):
    return next(c for d in builtin_documents() for c in d.chunks
                if c.doc_id == doc_id and c.section_path == section_path and c.kind == "body")


def test_inline_heading_is_not_a_body_sentence():
    chunk = _chunk("dingzhou", "三、（五）")
    assert chunk.sentences[0] == "（五）农业农村节能减排工程。"
    assert body_sentences(chunk)[0] == chunk.sentences[1]


def test_best_sentence_answers_rather_than_repeating_the_heading():
    chunk = _chunk("dingzhou", "三、（五）")
    sentence = best_sentence(chunk, "定州市在农业农村方面有哪些节能减排措施")
    assert sentence in chunk.text and not sentence.startswith("（五）")


def test_best_sentence_picks_the_figure_clause():
    chunk = _chunk("tieling", "三、（三）")
    assert "城镇清洁取暖率达到70%以上" in best_sentence(chunk, "城镇清洁取暖率")


def test_responsibility_note_is_not_a_body_sentence():
    chunk = next(c for d in builtin_documents() for c in d.chunks
                 if c.doc_id == "dingzhou" and "配合做好中央生态环境保护督察工作" in c.text)
    note = next(s for s in chunk.sentences if s.startswith("（") and "负责" in s)
    assert is_responsibility_note(note) and note not in body_sentences(chunk)
    assert not is_responsibility_note("到2025年，城镇清洁取暖率达到70%以上。")
    # Asked about what to cooperate on, the highlight is the measure, not who carries it out.
    sentence = best_sentence(chunk, "定州在生态环境督察执法方面要配合做什么")
    assert "督察" in sentence and not is_responsibility_note(sentence)


def test_a_heading_run_on_into_a_sentence_stating_a_figure_is_a_body_sentence():
    """A PDF heading line joined to its paragraph's first sentence (the reading lost the line
    break) is read as the section's heading; the figure it states still answers."""
    from corpus.model import Chunk

    first = "六、低碳零碳技术示范行动以促进成果转移转化为目标，到2030年建成50个不同类型重点低碳零碳技术应用示范工程。"
    text = first + "在基础条件好的地方，开展管理政策协同创新。"
    chunk = Chunk(chunk_id="x-1", doc_id="x", city="全国", province="", title="方案", section=(first,),
                  section_path="六、", paragraph=1, section_paragraph=1, text=text, match_text=text, start=0,
                  end=len(text), sentences=(first, "在基础条件好的地方，开展管理政策协同创新。"))
    assert body_sentences(chunk)[0] == first
    heading = "（五）农业农村节能减排工程。"  # a heading alone states no figure: still left out
    plain = Chunk(chunk_id="x-2", doc_id="x", city="全国", province="", title="方案", section=(heading,),
                  section_path="（五）", paragraph=2, section_paragraph=1, text=heading + "正文。", match_text="",
                  start=0, end=1, sentences=(heading, "正文。"))
    assert body_sentences(plain) == ("正文。",)
