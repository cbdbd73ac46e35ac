"""The Chinese chat page for officials, a Gradio Blocks app mounted at `/ui`.

`mount_ui(app, get_assistant)` is what the API calls. `get_assistant` is called once per
question (and per page load for the city list), so an index swapped after an upload is
picked up without remounting.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: no phoning home

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from assistant.feedback import FeedbackStore  # noqa: E402
from assistant.model import Answer  # noqa: E402
from corpus.model import Chunk, DocumentMeta  # noqa: E402
from index.filters import FilterError  # noqa: E402
from index.protocol import SearchBackend  # noqa: E402
from index.types import MODES, Filters  # noqa: E402
from policyqa.settings import load_settings  # noqa: E402
from ui.document_view import document_router  # noqa: E402
from ui.explorer import TAB_ID as EXPLORER_TAB  # noqa: E402
from ui.explorer import build_explorer_tab, explorer_of  # noqa: E402
from ui.explorer_view import render_links  # noqa: E402
from ui.filters import ANY, FILTER_FIELDS, documents_of, filter_choices, page_filters  # noqa: E402
from ui.filters import index_of as _index_of  # noqa: E402
from ui.guard import GuardedUi  # noqa: E402
from ui.library import TAB_ID as LIBRARY_TAB  # noqa: E402
from ui.library import build_library_tab  # noqa: E402
from ui.render import (  # noqa: E402
    NeighbourLookup,
    render_answer,
    render_error,
    render_feedback,
    render_notice,
    render_pending,
    render_user,
)

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger("ui")

UI_PATH = "/ui"
TITLE = "节能减排政策问答助手"
STATIC_DIR = Path(__file__).parent / "static"
EXAMPLES = (
    "铁岭 2025年城镇清洁取暖率是多少？",
    "安阳市单位GDP能耗下降目标是多少？",
    "各市2025年城镇新建建筑中绿色建筑面积占比分别是多少？",
    "三门峡在交通物流节能减排方面有哪些措施？",
    "定州市节能减排工作由哪些部门负责？",
)
_MODE_LABELS = {"hybrid": "混合检索（推荐）", "bm25": "关键词检索（BM25）", "dense": "语义检索（向量）"}
MODE_CHOICES = [(_MODE_LABELS[mode], mode) for mode in sorted(MODES, key=list(_MODE_LABELS).index)]
DEFAULT_SOURCES = 5
MAX_SOURCES = 10

# System fonts only: the page must render on an offline intranet (no Google Fonts).
THEME = gr.themes.Default(
    primary_hue="red",
    neutral_hue="slate",
    font=["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "sans-serif"],
    font_mono=["Menlo", "Consolas", "monospace"],
)

# The chat sanitizer drops inline handlers, so the copy buttons are wired by one delegated
# listener. navigator.clipboard needs a secure context; plain-http intranets get execCommand.
HEAD = """<script>
document.addEventListener('click', function (ev) {
  var btn = ev.target.closest ? ev.target.closest('.pqa-copy') : null;
  if (!btn) return;
  var card = btn.closest('.pqa-card');
  var cite = card ? card.querySelector('.pqa-cite') : null;
  if (!cite) return;
  var text = cite.textContent;
  function done(ok) {
    btn.textContent = ok ? '已复制' : '请手动复制';
    setTimeout(function () { btn.textContent = '复制引用'; }, 1500);
  }
  function fallback() {
    var ta = document.createElement('textarea');
    ta.value = text; ta.style.position = 'fixed'; ta.style.opacity = '0';
    document.body.appendChild(ta); ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    ta.remove(); done(ok);
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
  } else { fallback(); }
});
</script>""" + "".join(f"<script>{(STATIC_DIR / name).read_text(encoding='utf-8')}</script>"
                       for name in ("feedback.js", "upload.js"))  # 有用 / 有误; 添加文件

# 添加文件 (administrators): several files at once, sent with the admin token to the upload
# endpoint by ui/static/upload.js, which shows each file's result in Chinese. Not Gradio's own
# upload route, which stays closed (ui.guard).
UPLOAD_HTML = (
    '<div id="pqa-upload" class="pqa-upload">'
    '<label class="pqa-up-label" for="pqa-up-token">管理员令牌</label>'
    '<input id="pqa-up-token" class="pqa-up-token" type="password" autocomplete="off">'
    '<label class="pqa-up-label" for="pqa-up-files">文件（.txt、.docx、.pdf，可多选）</label>'
    '<input id="pqa-up-files" class="pqa-up-files" type="file" multiple accept=".txt,.docx,.pdf,.doc,.wps">'
    '<button id="pqa-up-send" class="pqa-up-send" type="button">上传并加入政策库</button>'
    '<div id="pqa-up-status" class="pqa-up-status" role="status"></div>'
    '<ul id="pqa-up-report" class="pqa-up-report"></ul>'
    "</div>"
)

# After an answer arrives, scroll the chat (not the page) so that the question just asked is
# at the top: long answers then read from the direct answer down, not from the last card.
SCROLL_TO_LAST_QUESTION = """() => {
  setTimeout(function () {
    var users = document.querySelectorAll('#pqa-chat .pqa-user');
    var el = users.length ? users[users.length - 1] : null;
    for (var box = el && el.parentElement; box; box = box.parentElement) {
      var style = getComputedStyle(box);
      if (box.scrollHeight > box.clientHeight && /(auto|scroll)/.test(style.overflowY)) {
        box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 12;
        break;
      }
    }
  }, 150);
}"""

HEADER_HTML = (
    '<div class="pqa-header"><h1>节能减排政策问答助手</h1>'
    "<p>基于各市《“十四五”节能减排综合工作方案》原文作答，每条回答均附出处，可点击“查看原文”核对。</p></div>"
)


def _css() -> str:
    return (STATIC_DIR / "chat.css").read_text(encoding="utf-8")


GetAssistant = Callable[[], "Assistant"]
GetFeedback = Callable[[], FeedbackStore]  # the API's store (assistant.feedback), read per answer


def _neighbour_lookup(index: SearchBackend) -> NeighbourLookup:
    """Previous/next paragraph of a chunk in its document (SearchIndex.neighbours)."""

    def lookup(chunk: Chunk) -> tuple[Chunk | None, Chunk | None]:
        try:
            around = index.neighbours(chunk.chunk_id, before=1, after=1)
        except KeyError:  # chunk from an index that has since been swapped
            return None, None
        before = next((c for c in around if c.paragraph < chunk.paragraph), None)
        after = next((c for c in around if c.paragraph > chunk.paragraph), None)
        return before, after

    return lookup


def city_choices(documents: Sequence[DocumentMeta]) -> list[tuple[str, str]]:
    """(label, value) pairs for the city filter, one per city, sorted for a stable list."""
    cities = {d.city: d.province for d in documents}
    return [(f"{city}（{province}）" if province else city, city) for city, province in sorted(cities.items())]


def _ask(assistant: Assistant, question: str, history: tuple[str, ...], cities: tuple[str, ...],
         mode: str, filters: Filters | None = None) -> tuple[Answer, str]:
    """Answer with the side-panel options; returns the answer and the question as asked."""
    return assistant.answer(question, history=history, cities=cities, mode=mode, filters=filters), question


def _not_ready_notice(exc: Exception) -> str:
    log.warning("assistant not ready: %s", exc)
    return render_notice("error", "政策库正在加载，请稍候片刻再提问。")


Chat = list[dict[str, str]]


def max_question_chars() -> int:
    """POLICYQA_MAX_QUERY_CHARS, as the API and the CLI: a longer question only costs CPU
    (query embedding grows with length) and would hold up other officials' questions."""
    return load_settings().max_query_chars


def start_turn(question: str, chat: Chat) -> tuple[str, Chat, str]:
    """Show the question and a "searching" note at once (or ask for a question when empty).

    Returns (cleared input box, chat, the stripped question for `finish_turn`)."""
    question = (question or "").strip()
    chat = list(chat or [])
    if not question:
        chat.append({"role": "assistant", "content": render_notice("empty")})
    elif len(question) > (limit := max_question_chars()):
        chat.append({"role": "assistant", "content": render_notice(
            "empty", f"问题过长（{len(question)}字），请精简到{limit}字以内再提问。")})
        question = ""
    else:
        chat.append({"role": "user", "content": render_user(question)})
        chat.append({"role": "assistant", "content": render_pending()})
    return "", chat, question


def finish_turn(
    get_assistant: GetAssistant,
    question: str,
    chat: Chat,
    asked: list[str],
    cities: list[str] | None,
    n_sources: float,
    mode: str,
    feedback: GetFeedback | None = None,
    *,
    filters: Filters | None = None,
) -> tuple[Chat, list[str]]:
    """Replace the "searching" note with the answer; returns (chat, earlier questions). With
    `feedback`, the answer gets an answer id and the 有用 / 有误 bar; `filters` (the 文件筛选
    controls, `page_filters`) restrict the documents it draws on."""
    if not question:
        return chat, asked
    chat = list(chat)
    try:
        assistant = get_assistant()
    except Exception as exc:  # e.g. the API's index is still loading
        chat[-1] = {"role": "assistant", "content": _not_ready_notice(exc)}
        return chat, asked
    try:
        answer, asked_as = _ask(assistant, question, tuple(asked), tuple(cities or ()), mode, filters)
    except FilterError as exc:
        chat[-1] = {"role": "assistant", "content": render_notice("error", f"筛选条件有误：{exc}")}
        return chat, asked
    except Exception:
        log.exception("answering failed for %r", question)
        chat[-1] = {"role": "assistant", "content": render_error()}
        return chat, [*asked, question]
    try:
        footer = _feedback_bar(feedback, assistant, answer, tuple(asked), mode, int(n_sources))
        html = render_answer(answer, _neighbour_lookup(_index_of(assistant)), max_sources=int(n_sources),
                             links=_explorer_links(get_assistant, answer), footer=footer)
    except Exception:
        log.exception("answering failed for %r", question)
        html, asked_as = render_error(), question
    chat[-1] = {"role": "assistant", "content": html}
    return chat, [*asked, asked_as]


def _feedback_bar(feedback: GetFeedback | None, assistant: Assistant, answer: Answer,
                  history: tuple[str, ...], mode: str, max_sources: int) -> str:
    """The 有用 / 有误 bar of an answer (none for an empty question, or without a store)."""
    if feedback is None or answer.kind == "empty":
        return ""
    try:
        answer_id = feedback().remember(answer, history, mode=mode, index=_index_of(assistant),
                                        source="ui")
    except Exception as exc:  # feedback is an extra: never lose the answer over it
        log.warning("no feedback bar: %s: %s", type(exc).__name__, exc)
        return ""
    return render_feedback(answer_id, answer, max_sources)


def _explorer_links(get_assistant: GetAssistant, answer: Answer) -> str:
    """Links to the 指标对比 tab for the indicators (with figures) the question names."""
    if answer.kind in ("empty", "not_found"):
        return ""
    try:
        found = explorer_of(get_assistant).mentioned(answer.resolved_query or answer.question)
    except Exception as exc:  # the explorer is an extra: never lose the answer over it
        log.warning("no explorer links: %s: %s", type(exc).__name__, exc)
        return ""
    return render_links([ind.name for ind in found])


def answer_turn(
    get_assistant: GetAssistant,
    question: str,
    chat: Chat,
    asked: list[str],
    cities: list[str] | None,
    n_sources: float,
    mode: str,
    feedback: GetFeedback | None = None,
    *,
    filters: Filters | None = None,
) -> Iterator[tuple[str, Chat, list[str]]]:
    """One whole turn, as the page runs it: yields (input box, chat, earlier questions)
    after `start_turn` and, for a non-empty question, after `finish_turn`."""
    box, chat, question = start_turn(question, chat)
    yield box, chat, asked
    if question:
        chat, asked = finish_turn(get_assistant, question, chat, asked, cities, n_sources, mode, feedback,
                                  filters=filters)
        yield box, chat, asked


def build_blocks(
    get_assistant: GetAssistant,
    documents: Sequence[DocumentMeta] | None = None,
    feedback: GetFeedback | None = None,
) -> gr.Blocks:
    """The chat page (tabs 智能问答, 指标对比 and 文件库). `documents` seeds the city filters and
    the library; they are refreshed on every page load. `feedback`: the store behind the 有用 / 有误 buttons."""

    def on_load(selected: list[str] | None, compared: list[str] | None) -> Any:
        """Fresh city lists: documents may have been added since the page was built."""
        try:
            docs = documents_of(get_assistant)
        except Exception:  # index not ready yet: keep what we have
            return gr.update(), gr.update()
        choices = city_choices(docs)
        valid = {value for _, value in choices}
        return tuple(gr.update(choices=choices, value=[c for c in (chosen or []) if c in valid])
                     for chosen in (selected, compared))

    def on_load_filters(level_: str | None, province_: str | None, doc_type_: str | None, year_: str | None) -> Any:
        """Fresh 文件筛选 choices (provinces, kinds, years of the documents now indexed)."""
        try:
            docs = documents_of(get_assistant)
        except Exception:  # index not ready yet: keep what we have
            return tuple(gr.update() for _ in FILTER_FIELDS)
        fresh = filter_choices(docs)
        return tuple(gr.update(choices=fresh[name], value=value if value in fresh[name] else ANY)
                     for name, value in zip(FILTER_FIELDS, (level_, province_, doc_type_, year_)))

    def clear() -> tuple[list[Any], list[str], str]:
        return [], [], ""

    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_height=False) as blocks:
        gr.HTML(HEADER_HTML, elem_id="pqa-header-block")
        asked = gr.State([])  # earlier user questions, fed to Assistant.answer as history
        pending = gr.State("")  # the question between start_turn and finish_turn
        with gr.Tabs(elem_id="pqa-tabs") as tabs:
            with gr.Tab("智能问答", id="chat", elem_id="pqa-tab-chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=250, elem_id="pqa-side"):
                        city_filter = gr.Dropdown(
                            choices=city_choices(documents or ()),
                            value=[],
                            multiselect=True,
                            label="城市筛选",
                            info="不选则检索全部城市",
                            elem_id="pqa-cities",
                        )
                        seeded = filter_choices(documents or ())
                        with gr.Accordion("文件筛选", open=False, elem_id="pqa-filters"):
                            level = gr.Dropdown(choices=seeded["level"], value=ANY, label="级别",
                                                info="国家、省、市或县级文件", elem_id="pqa-level")
                            province = gr.Dropdown(choices=seeded["province"], value=ANY, label="省份",
                                                   info="含该省及其下辖市县的文件", elem_id="pqa-province")
                            doc_type = gr.Dropdown(choices=seeded["doc_type"], value=ANY, label="文种",
                                                   elem_id="pqa-doc-type")
                            year = gr.Dropdown(choices=seeded["year"], value=ANY, label="年份", info="成文日期所在年份",
                                               elem_id="pqa-year")
                            issuer = gr.Textbox(label="发文机关", placeholder="如：国家发展改革委", max_lines=1,
                                                elem_id="pqa-issuer")
                        n_sources = gr.Slider(
                            1, MAX_SOURCES, value=DEFAULT_SOURCES, step=1, label="来源数量", elem_id="pqa-sources"
                        )
                        with gr.Accordion("高级设置", open=False):
                            mode = gr.Radio(choices=MODE_CHOICES, value="hybrid", label="检索方式", elem_id="pqa-mode")
                        clear_btn = gr.Button("清空对话", variant="secondary", elem_id="pqa-clear")
                        gr.HTML(
                            '<div class="pqa-tips">提示：可直接追问，如“那安阳呢？”；'
                            "答案中的数字均摘自原文，请以“查看原文”为准。</div>"
                        )
                        with gr.Accordion("添加文件（管理员）", open=False, elem_id="pqa-upload-panel"):
                            gr.HTML(UPLOAD_HTML)
                    with gr.Column(scale=4, min_width=480):
                        chatbot = gr.Chatbot(
                            elem_id="pqa-chat",
                            label="对话",
                            show_label=False,
                            height=620,
                            autoscroll=False,  # SCROLL_TO_LAST_QUESTION shows each answer from its start
                            render_markdown=False,  # document text is escaped HTML; markdown must not re-interpret it
                            sanitize_html=True,
                            feedback_options=None,
                            buttons=[],
                            placeholder='<div class="pqa-placeholder">请在下方输入问题，或点击示例问题。</div>',
                        )
                        with gr.Row(elem_id="pqa-input-row"):
                            box = gr.Textbox(
                                placeholder="请输入问题，例如：铁岭 2025年城镇清洁取暖率",
                                show_label=False,
                                lines=1,
                                max_lines=4,
                                scale=6,
                                elem_id="pqa-input",
                                autofocus=True,
                            )
                            send = gr.Button("发送", variant="primary", scale=1, min_width=90, elem_id="pqa-send")
                        gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[box], label="示例问题（点击填入）")
            with gr.Tab("指标对比", id=EXPLORER_TAB, elem_id="pqa-tab-explorer"):
                explorer = build_explorer_tab(get_assistant, city_choices(documents or ()))
            with gr.Tab("文件库", id=LIBRARY_TAB, elem_id="pqa-tab-library"):
                library = build_library_tab(get_assistant, documents or ())

        # Two steps so the question and the "searching" note show before retrieval starts;
        # the chat's autoscroll is off and each step scrolls the new question to the top.
        def finish(question: str, chat: Chat, asked_before: list[str], cities: list[str] | None, n: float,
                   how: str, level_: str | None, province_: str | None, doc_type_: str | None, year_: str | None,
                   issuer_: str | None) -> tuple[Chat, list[str]]:
            return finish_turn(get_assistant, question, chat, asked_before, cities, n, how, feedback,
                               filters=page_filters(level_, province_, doc_type_, year_, issuer_))

        filter_inputs = [level, province, doc_type, year, issuer]
        for event in (box.submit, send.click):
            (
                event(start_turn, [box, chatbot], [box, chatbot, pending], queue=False)
                .then(None, js=SCROLL_TO_LAST_QUESTION)
                .then(finish, [pending, chatbot, asked, city_filter, n_sources, mode, *filter_inputs],
                      [chatbot, asked], show_progress="minimal")
                .then(None, js=SCROLL_TO_LAST_QUESTION)
            )
        clear_btn.click(clear, None, [chatbot, asked, box], queue=False)
        chatbot.clear(clear, None, [chatbot, asked, box], queue=False)  # the chat's own trash icon
        blocks.load(on_load, [city_filter, explorer["cities"]], [city_filter, explorer["cities"]], queue=False)
        dropdowns = [level, province, doc_type, year]
        blocks.load(on_load_filters, dropdowns, dropdowns, queue=False)
        blocks.load(explorer["on_load"], None, [tabs, explorer["query"], explorer["picker"]], queue=False)
        blocks.load(library["on_load"], library["inputs"], library["outputs"], queue=False)
    return blocks


def mount_ui(app: FastAPI, get_assistant: GetAssistant, feedback: GetFeedback | None = None) -> None:
    """Mount the chat page at /ui and the document viewer at /ui-docs/{doc_id} on `app`.

    (`ui.deferred.mount_ui_deferred` does the same without waiting for Gradio.)"""
    app.include_router(document_router(lambda: _index_of(get_assistant())))
    mount_gradio(app, get_assistant, feedback)


def mount_gradio(app: FastAPI, get_assistant: GetAssistant, feedback: GetFeedback | None = None) -> None:
    """Only the Gradio chat page, at /ui."""
    gr.mount_gradio_app(
        app,
        build_blocks(get_assistant, feedback=feedback),
        path=UI_PATH,
        theme=THEME,
        css=_css(),
        head=HEAD,
        footer_links=[],
    )
    for route in app.routes:  # close what the framework exposes beyond the page (ui.guard)
        mounted = getattr(route, "app", None)
        if getattr(route, "path", None) == UI_PATH and mounted is not None and not isinstance(mounted, GuardedUi):
            setattr(route, "app", GuardedUi(mounted))
