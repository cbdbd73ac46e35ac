"""`python -m eval` end to end with a tiny registered fake mode (plumbing only; the real
retrieval run is tests/eval/test_regression.py)."""
from __future__ import annotations

import json

import pytest

from eval.__main__ import main
from eval.runner import ModeUnavailable, register_mode
from index.types import Hit

GOLDS = {"q001": "县城污水处理率达到97%", "q002": "城市污泥无害化处置率达到95%"}


@pytest.fixture(scope="module")
def question_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "questions.jsonl"
    rows = [{"id": qid, "city": "安顺市", "type": "measure", "question": f"问题{qid}", "history": [],
             "gold": [gold], "answer": "答"} for qid, gold in GOLDS.items()]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fake_modes(make_chunk):
    """"perfect" ranks every gold first; "half" finds q001 at rank 2 and never q002."""
    gold_chunks = {qid: make_chunk(qid, f"到2025年，{gold}。") for qid, gold in GOLDS.items()}
    noise = make_chunk("n", "无关段落")

    def factory(perfect: bool):
        def ctx_factory(ctx):
            def search(question, history, top_k):
                qid = question.removeprefix("问题")
                if perfect:
                    chunks = [gold_chunks[qid], noise]
                else:
                    chunks = [noise, gold_chunks["q001"]] if qid == "q001" else [noise]
                return [Hit(c, 1.0, "fake") for c in chunks]
            return search
        return ctx_factory

    def unavailable(ctx):
        raise ModeUnavailable("not built here")

    register_mode("fake-perfect", factory(True), replace=True)
    register_mode("fake-half", factory(False), replace=True)
    register_mode("fake-missing", unavailable, replace=True)


def run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_run_writes_json_markdown_and_chart(fake_modes, question_file, tmp_path, capsys):
    code, out, err = run(["run", "--modes", "fake-perfect,fake-half,fake-missing", "--questions",
                          str(question_file), "--name", "t1", "--out-dir", str(tmp_path)], capsys)
    assert code == 0
    assert "fake-perfect" in out and "skipped fake-missing: not built here" in err
    results = json.loads((tmp_path / "t1.json").read_text(encoding="utf-8"))
    assert results["metrics"]["fake-perfect"]["overall"]["Hit@1"] == 1.0
    half = results["metrics"]["fake-half"]["overall"]
    assert half["Hit@1"] == 0.0 and half["Hit@5"] == 0.5 and half["MRR@10"] == pytest.approx(0.25)
    assert results["skipped"] == {"fake-missing": "not built here"}
    assert results["settings"]["top_k"] == 10 and results["settings"]["questions"] == 2
    report = (tmp_path / "t1.md").read_text(encoding="utf-8")
    assert "### fake-half: 2 of 2" in report and "### fake-perfect: 0 of 2" in report
    assert (tmp_path / "t1.png").read_bytes()[:4] == b"\x89PNG"


def test_compare_lists_better_and_worse(fake_modes, question_file, tmp_path, capsys):
    for name, mode in (("old", "fake-half"), ("new", "fake-perfect")):
        run(["run", "--modes", mode, "--questions", str(question_file), "--name", name,
             "--out-dir", str(tmp_path)], capsys)
    for path in (tmp_path / "old.json", tmp_path / "new.json"):  # same mode name in both files
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in ("metrics", "questions"):
            data[key] = {"m": next(iter(data[key].values()))}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(["compare", str(tmp_path / "old.json"), str(tmp_path / "new.json")], capsys)
    assert code == 0
    assert "== m: 2 better, 0 worse" in out
    assert "q001 rank 2 -> 1" in out and "q002 rank - -> 1" in out
    _, out, _ = run(["compare", str(tmp_path / "new.json"), str(tmp_path / "old.json")], capsys)
    assert "0 better, 2 worse" in out


def test_baseline_records_gated_modes(fake_modes, question_file, tmp_path, capsys):
    run(["run", "--modes", "fake-perfect", "--questions", str(question_file), "--name", "b",
         "--out-dir", str(tmp_path)], capsys)
    path = tmp_path / "b.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["metrics"]["hybrid"] = data["metrics"].pop("fake-perfect")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out_file = tmp_path / "baseline.json"
    code, out, _ = run(["baseline", "--from", str(path), "--out", str(out_file)], capsys)
    assert code == 0 and "hybrid" in out
    assert json.loads(out_file.read_text(encoding="utf-8"))["modes"] == {"hybrid": {"Recall@5": 1.0, "Hit@1": 1.0}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--modes", "nope"], "unknown mode 'nope'"),
        (["run", "--top-k", "0"], "--top-k"),
        (["run", "--name", "../x"], "invalid --name"),
        (["run", "--questions", "/nonexistent/q.jsonl"], "cannot read question file"),
        (["run", "--plugin", "no_such_module_xyz"], "cannot import plugin"),
        (["compare", "/nonexistent/a.json", "/nonexistent/b.json"], "cannot read"),
        (["baseline", "--from", "/nonexistent/a.json"], "cannot read"),
    ],
)
def test_bad_input_exits_2_with_one_line_reason(args, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_readme_refuses_results_without_answers(tmp_path, capsys):
    results = tmp_path / "r.json"
    results.write_text(json.dumps({"name": "r", "metrics": {}, "questions": {}}), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["readme", "--from", str(results)])
    assert exit_info.value.code == 2
    assert "no answers" in capsys.readouterr().err


def test_answer_section_of_the_readme_is_generated_from_the_results():
    from eval.report import ANSWERS_END as README_END, ANSWERS_START as README_START, readme_answer_section

    overall = {"n": 2, "accuracy": 0.5, "false_absent": 1, "wrong_figure": 0, "missing_figure": 0,
               "missed_absent": 0, "missing_departments": 0, "no_quote": 0, "wrong_value": 0}
    results = {"name": "latest", "answers": {"mode": "hybrid", "overall": overall, "by_type": {"numeric": overall}}}
    text = readme_answer_section(results)
    assert text.startswith(README_START) and text.endswith(README_END)
    assert "| numeric | 2 | 0.500 | 1 | 0 |" in text
