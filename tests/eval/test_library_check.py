"""eval.library_check: the library question set's validator (schema, gold clauses, filters)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from eval import library_check as lc


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "L001", "kind": "scope", "question": "安阳城市可渗透地面面积比例到2025年不低于多少？",
        "gold": [{"doc": "anyang", "clause": "城市可渗透地面面积比例不低于52%", "answer": "52%"}],
        "answer": "不低于52%", "split": "train",
    }
    row.update(overrides)
    return row


def test_committed_set_is_valid_without_reading_documents() -> None:
    rows = lc.load()
    assert len(rows) >= 36
    assert lc.schema_errors(rows) == []
    assert lc.filter_errors(rows) == []
    kinds = {r["kind"] for r in rows}
    assert kinds == set(lc.KINDS)
    used = {name for r in rows for name in r.get("filters", {})}
    assert used == set(lc.FILTER_FIELDS)


def test_split_rule_is_every_third_id() -> None:
    assert [lc.side(f"L{n:03d}") for n in range(1, 7)] == ["train", "train", "test", "train", "train", "test"]


def test_schema_errors_name_the_problem() -> None:
    assert lc.schema_errors([_row()]) == []
    assert any("split" in e for e in lc.schema_errors([_row(id="L003")]))
    assert any("unknown filter field" in e for e in lc.schema_errors([_row(filters={"town": "x"})]))
    assert any("year is not an integer" in e for e in lc.schema_errors([_row(filters={"year": "2021"})]))
    assert any("absent" in e for e in lc.schema_errors([_row(kind="absent")]))
    assert any("neither a built-in plan" in e
               for e in lc.schema_errors([_row(gold=[{"doc": "999.pdf", "clause": "x", "answer": "x"}])]))
    assert any("at least 2" in e for e in lc.schema_errors([_row(kind="list")]))


def test_clause_errors_read_the_document_as_inspect_does() -> None:
    good = _row()
    assert lc.clause_errors([good]) == []
    wrong_clause = copy.deepcopy(good)
    wrong_clause["gold"][0]["clause"] = "城市可渗透地面面积比例不低于53%"  # type: ignore[index]
    assert any("clause not in anyang" in e for e in lc.clause_errors([wrong_clause]))
    wrong_answer = copy.deepcopy(good)
    wrong_answer["gold"][0]["answer"] = "40%"  # type: ignore[index]
    assert any("not written in its clause" in e for e in lc.clause_errors([wrong_answer]))


def test_filter_errors_check_the_record() -> None:
    row = _row(kind="filter", filters={"province": "上海市", "year": 2021},
               gold=[{"doc": "129.pdf", "clause": "煤炭消费总量控制在4200万吨以内", "answer": "4200万吨以内"}])
    assert lc.filter_errors([row]) == []
    row["filters"] = {"province": "上海市", "year": 2022}
    assert lc.filter_errors([row]) == ["L001: 129.pdf does not match filter year=2022"]
    county = _row(kind="filter", filters={"level": "县"},
                  gold=[{"doc": "117.pdf", "clause": "x", "answer": "x"}, {"doc": "dingzhou", "clause": "x", "answer": "x"}])
    assert lc.filter_errors([county]) == []  # the record's 市 for 繁昌区 is a known record error


def test_main_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert lc.main(["--questions", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "L001", "kind": "scope"}\n', encoding="utf-8")
    assert lc.main(["--questions", str(bad), "--no-read"]) == 1
