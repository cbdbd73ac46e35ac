"""The quantitative target record shared by the two readers of targets: clauses of paragraphs
(assistant.targets) and table rows (assistant.table_targets). The patterns both read with
(PERIOD_PHRASE, SERIES_HEAD) are corpus.language's."""
from __future__ import annotations

from dataclasses import dataclass

from corpus.language import SIGNED_DECIMAL


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
        return float(SIGNED_DECIMAL.match(self.value).group())  # type: ignore[union-attr]
