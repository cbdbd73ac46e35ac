"""The quantitative target record and the patterns shared by the two readers of targets:
clauses of paragraphs (assistant.targets) and table rows (assistant.table_targets)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# "十四五" as a time phrase ("“十四五”时期", "十四五末"): the plan period ending in 2025.
PERIOD_PHRASE = re.compile(r"[“\"]?十四五[”\"]?(?:时期|期间|末)?")
SERIES_HEAD = re.compile(
    r"(重点工程减排量|减排量|排放总量|排放量|无害化处置率|综合利用率|利用率|处置率|处理率|治理率|"
    r"收集率|覆盖率|回收率|达标率|占比|比例|比重)$"
)


@dataclass(frozen=True)
class Target:
    """One quantitative target as the plan states it."""

    city: str
    indicator: str  # e.g. "城镇清洁取暖率" (the subject of the clause)
    value: str  # as written, e.g. "70%", "0.7862万吨", "1.3"
    unit: str  # "%", "万吨", "" ...
    qualifier: str  # 以上 / 以下 / 左右 / 以内 / 不超过 / 不低于 / 力争 …, space separated
    year: int | None  # target year; 2025 for "十四五时期"
    baseline: str  # e.g. "比2020年"; "" when absolute
    verb: str  # 达到 / 下降 / 控制在 …
    chunk_id: str
    sentence: str  # verbatim display sentence (a substring of the chunk text)
    clause: str  # the clause stating the figure, whitespace removed
    period: str = ""  # the time phrase as written in the sentence ("到2025年"), "" when inherited
    area: str = ""  # a county or district the target is set for (annex tables); "" = the city
    column: str = ""  # table targets: the meaning of the value's column ("2025年目标值", "2020年实际值")

    @property
    def number(self) -> float:
        return float(re.match(r"[-+]?\d+(?:\.\d+)?", self.value).group())  # type: ignore[union-attr]
