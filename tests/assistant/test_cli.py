"""The CLI run in-process (datasette style): exit codes and output formats."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.cli import main

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(search_index, capsys):
    data_dir = str(search_index.data_dir)

    def _run(*argv: str, data: str | None = None) -> tuple[int, str, str]:
        try:
            code = main(["--data-dir", data or data_dir, *argv])
        except SystemExit as exc:  # argparse and CliError leave through sys.exit
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_search_json_puts_the_tieling_heating_clause_first(run):
    code, out, _ = run("search", "铁岭 2025年城镇清洁取暖率", "--json")
    assert code == 0
    payload = json.loads(out)
    first = payload["results"][0]
    assert "城镇清洁取暖率达到70%以上" in first["text"]
    assert first["citation"] == "《铁岭市“十四五”节能减排综合工作方案》三、（三） 第1段"
    assert set(first) == {"chunk_id", "doc_id", "city", "section", "citation", "text", "score", "highlight"}
    assert first["highlight"] in first["text"] and "70%" in first["highlight"]


def test_search_for_people_marks_the_best_sentence(run):
    code, out, _ = run("search", "安阳 单位生产总值能源消耗下降多少", "--top-k", "3")
    assert code == 0
    assert out.startswith("1. 《安阳市")
    assert "【" in out and "】" in out


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (("search", "   "), 2, "empty query"),
        (("search", "清洁取暖", "--city", "火星"), 2, "--city: unknown city '火星'"),
        (("search", "清洁取暖", "--level", "乡"), 2, "invalid choice"),
        (("search", "清洁取暖", "--year", "二〇二二"), 2, "not a whole number"),
        (("search", "清洁取暖", "--year", "1800"), 2, "--year: year must be an integer from 1949"),
        (("search", "清洁取暖", "--kind", "小说"), 2, "--kind: unknown kind '小说'"),
        (("search", "清洁取暖", "--province", "安阳"), 2, "--province: unknown province '安阳'"),
        (("search", "清洁取暖", "--city", "安阳", "--city", "铁岭"), 2, "give --city once"),
        (("search", "清洁取暖", "--mode", "fuzzy"), 2, "invalid choice"),
        (("search", "清洁取暖", "--top-k", "0"), 2, "between 1 and 50"),
        (("add", "no-such-file.txt", "--city", "某市"), 4, "cannot read"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(run, argv, code, message):
    got, _, err = run(*argv)
    assert got == code
    assert message in err
    assert "Traceback" not in err


def test_missing_index_is_a_clear_error(run, tmp_path):
    code, _, err = run("search", "清洁取暖", data=str(tmp_path / "empty"))
    assert code == 3
    assert "index" in err and "Traceback" not in err
    # The command it names builds that very data dir (and runs as printed: options may follow it).
    assert f"python -m assistant index --data-dir {tmp_path / 'empty'}" in err


def test_global_options_are_accepted_after_the_command_too(search_index, capsys, tmp_path):
    data_dir = str(search_index.data_dir)
    assert main(["search", "铁岭 2025年城镇清洁取暖率", "--json", "--data-dir", data_dir]) == 0
    assert "70%以上" in json.loads(capsys.readouterr().out)["results"][0]["text"]
    # `add FILE --city X --data-dir D` parses (and fails only on the missing file).
    with pytest.raises(SystemExit) as exc:
        main(["add", str(tmp_path / "missing.txt"), "--city", "某市", "--data-dir", str(tmp_path)])
    assert exc.value.code == 4 and "cannot read" in capsys.readouterr().err
    # Given after the command it wins over the one before; not repeated, the one before stays.
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", data_dir, "list", "--data-dir", str(tmp_path / "empty")])
    assert exc.value.code == 3


def test_add_to_a_new_data_dir_says_so_and_shows_progress_in_a_pipe(fresh_data_dir, tmp_path):
    """stderr is a pipe here, as in a log: progress comes as whole lines while it runs, not as
    carriage-return redraws that a log shows only at the end."""
    import subprocess
    import sys

    plan = tmp_path / "plan.txt"
    plan.write_text("某某市“十四五”节能减排综合工作方案\n一、总体要求\n到2025年，某某市单位地区生产总值能耗"
                    "比2020年下降13.5%，城镇清洁取暖率达到65%以上。\n", encoding="utf-8")
    env = {**os.environ, "POLICYQA_DATA_DIR": "", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "assistant", "add", str(plan), "--city", "某某市",
                           "--data-dir", str(fresh_data_dir)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "added" in done.stdout
    err = done.stderr
    assert f"building the index in {fresh_data_dir / 'index'} (5 plans): no index yet" in err
    assert "distinct text windows (the other" in err  # how much is embedded, and why so little
    progress = [line for line in err.splitlines() if line.startswith("embedding: ")]
    assert progress and progress[-1].startswith("embedding: ") and "(100%)" in progress[-1]
    assert "\r" not in err


def test_batch_reads_and_writes_jsonl(run, tmp_path: Path):
    batch = tmp_path / "q.jsonl"
    lines = [
        {"id": "a", "question": "铁岭 2025年城镇清洁取暖率"},
        {"id": "b", "question": "那安阳呢？", "history": ["铁岭 2025年城镇清洁取暖率"]},
        {"id": 3, "question": ""},
    ]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    code, out, _ = run("search", "--batch", str(batch), "--top-k", "5")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", 3]
    assert "70%以上" in rows[0]["results"][0]["text"]
    assert len(rows[0]["results"]) == 5
    assert all(r["city"] == "安阳市" for r in rows[1]["results"])  # the follow-up swapped the city
    assert rows[2]["results"] == []


def test_batch_with_a_broken_line_names_the_line(run, tmp_path: Path):
    batch = tmp_path / "bad.jsonl"
    batch.write_text('{"id": 1, "question": "清洁取暖"}\n{not json\n', encoding="utf-8")
    code, _, err = run("search", "--batch", str(batch))
    assert code == 4
    assert "bad.jsonl:2" in err


def test_index_twice_embeds_nothing_the_second_time(run):
    code, out, _ = run("index")
    assert code == 0
    assert "up to date" in out and " 0 embedded" in out


def test_list_shows_the_five_built_in_plans(run):
    code, out, _ = run("list")
    assert code == 0
    for city in ("安顺市", "三门峡市", "铁岭市", "安阳市", "定州市"):
        assert city in out
    anshun = next(line for line in out.splitlines() if line.startswith("anshun"))
    assert "安顺市人民政府 安府发〔2022〕17号 2022-12-23" in anshun  # metadata read from the text
    assert "依据 辽政发〔2022〕16号" in next(line for line in out.splitlines() if line.startswith("tieling"))


def test_chat_batch_writes_answers_with_citations(run, tmp_path: Path):
    batch = tmp_path / "chat.jsonl"
    lines = [
        {"id": 1, "question": "铁岭2025年清洁取暖要到多少？"},
        {"id": 2, "question": "那安阳呢？", "history": ["铁岭2025年清洁取暖要到多少？"]},
    ]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    code, out, _ = run("chat", "--batch", str(batch))
    assert code == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["id"] == 1 and "70%以上" in first["answer"]
    cite = first["citations"][0]
    assert set(cite) == {"chunk_id", "city", "citation", "text", "highlight"}
    assert cite["highlight"] in cite["text"] and cite["city"] == "铁岭市"
    assert second["citations"][0]["city"] == "安阳市" and "未给出" in second["answer"]


def test_interactive_chat_keeps_the_conversation(run, monkeypatch):
    turns = iter(["铁岭2025年清洁取暖要到多少？", "那安阳呢？"])

    def fake_input(prompt: str) -> str:  # the person at the terminal
        try:
            return next(turns)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    code, out, _ = run("chat")
    assert code == 0
    assert "铁岭市：到2025年，城镇清洁取暖率达到70%以上" in out
    assert "安阳市方案未给出" in out


def test_targets_csv_exports_the_structured_targets(run):
    import csv
    import io

    code, out, _ = run("targets", "--city", "铁岭", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["city"] == "铁岭市" for r in rows)
    assert any(r["value"].startswith("70") and "清洁取暖" in r["sentence"] for r in rows)
    heating = next(r for r in rows if "清洁取暖率" in r["indicator"])
    assert heating["citation"] == "《铁岭市“十四五”节能减排综合工作方案》三、（三） 第1段"  # readable, next to chunk_id
    assert all(r["citation"].startswith("《铁岭市") for r in rows)


def test_targets_text_shows_each_unit_once(run):
    code, out, _ = run("targets", "--city", "铁岭")
    assert code == 0
    lines = out.splitlines()
    assert any("\t14.5%\t" in line for line in lines) and any("\t0.7862万吨\t" in line for line in lines)
    assert "%%" not in out and "万吨万吨" not in out
    assert all(line.split("\t")[-1].startswith("《铁岭市") for line in lines)  # the citation column


def test_add_refuses_metadata_for_several_files_and_a_folder_with_nothing_to_read(run, tmp_path):
    plans = REPO / "corpus" / "plans"
    code, out, err = run("add", str(plans / "tieling.txt"), str(plans / "anshun.txt"), "--city", "某市", "--date",
                         "2022-01-01")
    assert code == 2 and out == ""
    assert err.strip() == ("error: --city, --date describe one file: give a single FILE with them, or add the "
                           "files without them (each document's own title, place and date are read from it)")
    code, _, err = run("add", str(plans), "--title", "x")  # a folder is several files
    assert code == 2 and "--title describe one file" in err
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    code, _, err = run("add", str(tmp_path))
    assert code == 4 and err.strip() == f"error: no .txt, .docx or .pdf file in {tmp_path} (1 other files skipped)"


def test_add_of_files_already_in_reports_duplicates_and_changes_nothing(run, search_index):
    before = search_index.manifest
    code, out, err = run("add", str(REPO / "corpus" / "plans"))
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 6 and all(line.startswith("duplicate ") and line.endswith(", already in") for line in lines[:5])
    assert "same content as tieling [市 铁岭市] 《铁岭市“十四五”节能减排综合工作方案》" in out
    assert lines[-1].startswith("5 files: 0 added, 5 duplicate, 0 refused, 1 other files skipped; index: ")
    assert " 0 windows embedded" in lines[-1]
    from index.store import current_manifest

    assert current_manifest(search_index.data_dir) == before


# --- metadata filters over documents of every level -----------------------------------------------

from tests.filter_cases import CASE_IDS, CHAT_QUESTION, FILTER_CASES, SEARCH_QUERY  # noqa: E402

# The CLI names doc_type --kind; the other options are the filter names.
OPTIONS = {"level": "--level", "province": "--province", "city": "--city", "doc_type": "--kind", "year": "--year",
           "issuer": "--issuer"}


@pytest.mark.parametrize("filters, places", FILTER_CASES, ids=CASE_IDS)
def test_search_and_chat_options_filter(levels_index, capsys, tmp_path, filters, places):
    (name, value), = filters.items()
    option = [OPTIONS[name], str(value)]
    data = ["--data-dir", str(levels_index.data_dir)]
    assert main([*data, "search", SEARCH_QUERY, "--top-k", "50", "--json", *option]) == 0
    assert {r["city"] for r in json.loads(capsys.readouterr().out)["results"]} == places
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"id": 1, "question": CHAT_QUESTION}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main([*data, "chat", "--batch", str(batch), *option]) == 0
    cited = {c["city"] for c in json.loads(capsys.readouterr().out)["citations"]}
    assert cited and cited <= places


def test_list_filters_titles_and_counts_as_the_library(levels_index, capsys):
    """`list` lists what the 文件库 tab and GET /api/v1/documents list (assistant.library)."""
    from assistant.library import select
    from index.types import Filters

    data = ["--data-dir", str(levels_index.data_dir)]
    assert main([*data, "list", "--province", "河南", "--title", "方案"]) == 0
    ids = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert ids == [d.doc_id for d in select(levels_index.documents, Filters(province="河南"), "方案")] and len(ids) == 3
    assert main([*data, "list", "--counts", "--kind", "通知"]) == 0
    assert capsys.readouterr().out.splitlines() == ["级别\t国家 1\t省 1", "省份\t上海市 1", "文种\t通知 2",
                                                    "年份\t2022 2"]
    with pytest.raises(SystemExit) as exit_:
        main([*data, "list", "--province", "火星"])
    assert exit_.value.code == 2 and capsys.readouterr().err.startswith("error: --province: unknown province '火星'")
