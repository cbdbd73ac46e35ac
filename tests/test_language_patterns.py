"""The plans' language is written once, in corpus.language.

A scan of the sources fails when a module other than corpus.language writes a pattern of years
and plan periods, figure units, asks, document-kind words or clause cuts, or imports another
module's private pattern; unit tests pin what the language's patterns read.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from corpus import language as lang
from corpus.model import Chunk

REPO_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "index", "assistant", "ui", "policyqa")
LANGUAGE = REPO_DIR / "corpus" / "language.py"
# What marks a regex literal as the plans' language (each found inside a regex-looking string).
MARKERS = {
    "year or plan period": ("十四五", "十三五", "十[三四]五", r"20\d{2}", r"20\d{{2}}", r"\d{4}年", r"\d{4}\s*年"),
    "figure unit": ("个百分点", "万千瓦", "标准煤"),
    "ask": ("多少", "何时", "什么时候"),
    "document kind": ("方案|", "|方案", "规划|", "|规划"),
    "clause cut": ("。！？", "，,；;", "，、"),
}
REGEX_SIGNS = ("\\", "(?", "|", "[")


def _group(m: "re.Match[str] | None", group: int | str = 0) -> str:
    assert m is not None
    return m.group(group)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def language_patterns_outside(paths: list[Path]) -> list[str]:
    """"file:line: what" for every regex-looking string literal (docstrings aside) holding a
    marker of the plans' language, in `paths`."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs:
                continue
            text = node.value
            if not any(sign in text for sign in REGEX_SIGNS):
                continue
            for what, markers in MARKERS.items():
                if any(m in text for m in markers):
                    found.append(f"{path.relative_to(REPO_DIR)}:{node.lineno}: {what} {text[:60]!r}")
    return found


def private_patterns_imported(paths: list[Path]) -> list[str]:
    """Imports of another module's private constant (`from x import _CLAUSE_SPLIT`)."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                for alias in node.names:
                    name = alias.name
                    if name.startswith("_") and name.strip("_").replace("_", "").isupper():
                        found.append(f"{path.relative_to(REPO_DIR)}:{node.lineno}: {node.module}.{name}")
    return found


def _sources() -> list[Path]:
    return [p for package in PACKAGES for p in sorted((REPO_DIR / package).rglob("*.py")) if p != LANGUAGE]


def test_no_module_but_the_language_writes_its_patterns() -> None:
    assert language_patterns_outside(_sources()) == []


def test_the_scan_finds_a_pattern_written_elsewhere(tmp_path: Path) -> None:
    # The scan itself: each kind of pattern, written in a module of its own, is found.
    module = REPO_DIR / "corpus" / "_scan_probe.py"
    samples = ['YEAR = re.compile(r"(?:到|至)\\s*20\\d{2}\\s*年")', 'UNIT = r"万千瓦|千瓦"',
               'ASKS = re.compile(r"多少|几个")', 'KIND = re.compile(r"(?:方案|意见)$")',
               'CUT = re.compile(r"[^。！？]+")', 'P = re.compile(rf"{X}十四五[”]?")']
    try:
        module.write_text("import re\n" + "\n".join(samples) + "\n", encoding="utf-8")
        found = language_patterns_outside([module])
    finally:
        module.unlink()
    assert len(found) == len(samples), found
    # A docstring or a plain Chinese string (not a pattern) is not one.
    assert language_patterns_outside([REPO_DIR / "corpus" / "model.py"]) == []


def test_no_private_pattern_crosses_modules() -> None:
    assert private_patterns_imported(_sources() + [LANGUAGE]) == []


def test_the_language_imports_nothing_of_the_project() -> None:
    tree = ast.parse(LANGUAGE.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= {"re", "__future__"}


# --- years and periods ---------------------------------------------------------------------------

def test_period_phrase_and_mention() -> None:
    assert _group(lang.PERIOD_PHRASE.search("“十四五”时期，全市单位地区生产总值能耗下降")) == "“十四五”时期"
    assert _group(lang.PERIOD_MENTION.search("“十三五”期间，全市累计完成")) == "“十三五”期间"
    assert _group(lang.PERIOD_MENTION.search("到2025年，城镇清洁取暖率达到70%以上")) == "到2025年"
    # a baseline and a date are no period
    assert lang.PERIOD_MENTION.search("比2020年下降14.5%") is None
    assert lang.PERIOD_MENTION.search("2022年9月底前完成") is None
    assert lang.PLAN_PERIODS["十三五"] == 2020 and lang.PLAN_PERIODS["十四五"] == lang.PERIOD_LAST


def test_target_year_and_baseline() -> None:
    clause = "到2025年，全市单位地区生产总值能耗比2020年下降14.5%"
    assert [m.group(1) for m in lang.TARGET_YEAR.finditer(clause)] == ["2025"]
    assert _group(lang.BASELINE.search(clause)) == "比2020年"
    assert _group(lang.BASELINE.search("在2020年的基础上削减")) == "在2020年的基础上"
    assert lang.ALTERNATIVE_BASELINE.fullmatch("或在2020年基础上")
    assert lang.BASELINE_BEFORE.search("与") and not lang.BASELINE_BEFORE.search("到")


def test_deadline_and_date() -> None:
    m = lang.DEADLINE.search("2022年底前全面完成")
    assert m and (m.group("year"), m.group("tail")) == ("2022", "底前")
    assert lang.DEADLINE.search("2020年基础上") is None
    m = lang.DATED.search("2023年1月1日起全面供应")
    assert m and (m.group("month"), m.group("day"), m.group("tail")) == ("1", "1", "起")


def test_question_years() -> None:
    assert _group(lang.QUESTION_YEAR.search("2025年清洁取暖率要达到多少"), 1) == "2025"
    assert lang.QUESTION_YEAR.search("比2020年下降多少") is None
    assert _group(lang.CN_YEAR.search("二〇二五年"), 1) == "二五"
    assert "".join(lang.CN_DIGITS[c] for c in "二五") == "25"
    assert lang.YEAR_MENTION.sub(" ", "到2025年底清洁取暖率").strip() == "清洁取暖率"


# --- figures -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "before", "num", "unit", "after"), [
    ("不低于52%", "不低于", "52", "%", None),
    ("35蒸吨/小时及以下", None, "35", "蒸吨/小时", "及以下"),
    ("297克标准煤/千瓦时", None, "297", "克标准煤/千瓦时", None),
    ("8-10个百分点", None, "8-10", "个百分点", None),
    ("力争14%", "力争", "14", "%", None),
])
def test_quantity(text: str, before: str | None, num: str, unit: str, after: str | None) -> None:
    m = lang.QUANTITY.fullmatch(text)
    assert m and (m.group("before"), m.group("num"), m.group("unit"), m.group("after")) == (before, num, unit, after)


def test_target_grammar_lists_its_units() -> None:
    unit = re.compile(rf"(?:{lang.TARGET_UNIT})$")
    assert unit.match("万千瓦") and unit.match("千克标准煤/吨") and not unit.match("蒸吨/小时")
    assert unit.match("亿立方米") and unit.match("万亿千瓦时") and unit.match("亿吨标准煤")
    assert re.fullmatch(lang.TARGET_NUMBER, "8 - 10") and not re.fullmatch(lang.FIGURE_NUMBER, "8 - 10")
    assert lang.BOUND_VERB["不高于"] == "不超过"
    assert lang.COMPANION.match("力争14%") and not lang.COMPANION.match("下降13%")


def test_water_class_and_counts() -> None:
    assert _group(lang.WATER_CLASS.search("达到III类"), "num") == "III"
    assert {"家", "座", "项"} <= lang.COUNT_UNITS and "%" not in lang.COUNT_UNITS


# --- clauses and sentences -----------------------------------------------------------------------

def test_sentence_keeps_its_closing_marks() -> None:
    text = "实施“十四五”节能减排综合工作方案。”全市……到2025年完成！其余"
    assert [m.group() for m in lang.SENTENCE.finditer(text)] == ["实施“十四五”节能减排综合工作方案。”", "全市……到2025年完成！", "其余"]


def test_clause_break_spares_thousands() -> None:
    text = "新增1,000吨,改造20家;其中:30%。另"
    cuts = [m.start() for m in lang.CLAUSE_BREAK.finditer(text)]
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    assert pieces[0] == "新增1,000吨"


def test_clause_break_spares_a_time_of_day() -> None:
    # a 通知's 截止时间 stays one clause; a colon after a word still cuts
    text = "填报起始时间为2022年7月4日9:00,截止时间为2022年7月21日16:30。比例:30%"
    cuts = [m.start() for m in lang.CLAUSE_BREAK.finditer(text)]
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    assert pieces[:2] == ["填报起始时间为2022年7月4日9:00", ",截止时间为2022年7月21日16:30。"]
    assert pieces[-1] == ":30%"


def test_a_recurring_date_and_a_year_of_account() -> None:
    # "每年3月15日前" closes a task every year; "2022年度" names a year of account, no deadline
    assert lang.RECURRING_DATE.search("企业应当于每年3月15日前披露").group() == "3月15日前"
    assert lang.RECURRING_DATE.search("次年1月底前报送").group() == "1月底前"
    assert lang.RECURRING_DATE.search("2022年12月31日前完成") is None  # a dated deadline (DATED)
    assert lang.DEADLINE.search("发布2022年度科技创新行动计划") is None
    assert lang.DEADLINE.search("2022年底前完成").group() == "2022年底前"


def test_clause_cuts_of_each_reader() -> None:
    text = "到2025年，城镇清洁取暖率达到70%以上；新能源公交车占比提高：90%。"
    assert lang.PASSAGE_CLAUSE.findall(text) == ["到2025年，", "城镇清洁取暖率达到70%以上；", "新能源公交车占比提高：90%。"]
    assert lang.LEAD_CLAUSE.findall(text) == ["到2025年，", "城镇清洁取暖率达到70%以上；", "新能源公交车占比提高：", "90%。"]
    assert lang.WINDOW_CLAUSE.findall("甲、乙，丙") == ["甲、", "乙，", "丙"]
    assert [c for c in lang.QUOTED_CLAUSE_BREAK.split("甲，乙；丙") if c] == ["甲，", "乙；", "丙"]


# --- verbs and asks ------------------------------------------------------------------------------

def test_count_verbs() -> None:
    assert _group(lang.COUNT_VERB_OPENING.match("累计建成高标准农田")) == "累计建成"
    assert re.fullmatch(lang.COUNT_VERB, "淘汰") and not lang.COUNT_VERB_OPENING.match("淘汰落后产能")
    assert lang.DECREASE_VERB.match("分别下降") and lang.INCREASE_VERB.match("提高")
    assert lang.CONTINUES_SUBJECT.match("力争比2020年下降14%")


@pytest.mark.parametrize(("pattern", "question", "asks"), [
    ("ASKS_WHEN", "清洁取暖改造最晚什么时候完成", True),
    ("ASKS_WHEN", "清洁取暖率要达到多少", False),
    ("ASKS_WHO", "谁负责燃煤锅炉淘汰", True),
    ("ASKS_WHO", "这项工作由哪些部门落实", True),
    ("ASKS_WHO", "落实部门是哪个", True),
    # the issuers of a joint document (浙江 "省发展改革委等五部门关于严格能效约束…的实施方案")
    ("ASKS_WHO", "省发展改革委等五部门的方案要求能效标杆水平产能比例达到多少", False),
    ("ASKS_FIGURE", "清洁取暖率要达到多少", True),
    ("ASKS_FIGURE", "有哪些措施", False),
    ("ASKS_COMPARISON", "铁岭和安阳相比", True),
    ("WHO_COMPARES", "哪个城市的降幅更高", True),
    ("ASKS_CHANGE", "能耗下降了多少", True),
    ("ASKS_ACTUAL", "2020年实际值是多少", True),
])
def test_asks(pattern: str, question: str, asks: bool) -> None:
    assert bool(getattr(lang, pattern).search(question)) is asks


def test_fact_asks_name_each_field_once() -> None:
    fields = [name for name, _ in lang.ASKS_FACT]
    assert len(fields) == len(set(fields))
    first = next(name for name, p in lang.ASKS_FACT if p.search("这个方案是哪天印发的"))
    assert first == "date"


# --- document kinds ------------------------------------------------------------------------------

def test_document_kinds() -> None:
    assert set(lang.DOC_KINDS) <= set(lang.TITLE_KINDS)
    assert set(lang.NOTICE_KINDS) <= set(lang.DOC_KINDS)
    assert lang.DOC_KINDS["方案"] == "行动工作方案" and lang.DOC_KINDS["纲要"] == "规划"
    assert lang.TITLE_LINE_END.search("铁岭市“十四五”节能减排综合工作方案（试行）")
    assert _group(lang.NAMED_DOCUMENT.search("数据中心和5G绿色发展方案要求什么")) == "数据中心和5G绿色发展方案"


# --- the role of a chunk -------------------------------------------------------------------------

def _chunk(text: str, kind: str = "body") -> Chunk:
    return Chunk(chunk_id="x-1", doc_id="x", city="铁岭市", province="辽宁省", title="t", section=(),
                 section_path="", paragraph=1, section_paragraph=1, text=text, match_text=text, start=0,
                 end=len(text), sentences=(text,), kind=kind)  # type: ignore[arg-type]


def test_chunk_role() -> None:
    assert _chunk("城镇清洁取暖率\t%\t70").role == "table_row"
    assert _chunk("城镇清洁取暖率达到70%。").role == "body"
    header = _chunk("指标\t单位\t目标值", kind="heading")  # a table's header row
    assert header.role == "heading" and header.tabular and not header.table_row
    assert _chunk("据报道\t…", kind="lead").role == "lead"
