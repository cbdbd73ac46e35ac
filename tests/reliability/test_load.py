"""A small run of `python -m eval.load` (real server, loopback): no request may fail.

No latency assertions: this machine is shared; `make load` records the figures."""
from __future__ import annotations

import json

import pytest

from eval.load import LoadConfig, main, run

pytestmark = pytest.mark.slow


def test_load_smoke_has_no_errors(search_index):
    result = run(LoadConfig(clients=3, seconds=5, requests=120, uploads=1, data_dir=search_index.data_dir))
    assert result["total"]["errors"] == 0, result
    assert result["load"]["requests"] > 1 and result["memory"]["requests"] == 120
    assert result["load"]["by_endpoint"]["POST /api/v1/documents"] == {
        "requests": 1, "errors": 0, "latency_ms": result["load"]["by_endpoint"]["POST /api/v1/documents"]["latency_ms"]}
    assert result["load"]["uploads_visible"]  # the upload landed while queries were served
    assert not result["token_in_server_log"]
    assert result["memory"]["rss_before_mb"] > 0 and result["memory"]["rss_after_mb"] > 0


def test_bad_arguments_exit_2(capsys, tmp_path):
    assert main(["--clients", "0", "--out", str(tmp_path / "x.json")]) == 2
    assert "clients >= 1" in capsys.readouterr().err and not (tmp_path / "x.json").exists()


def test_results_file_written(search_index, tmp_path, capsys):
    out = tmp_path / "load.json"
    code = main(["--clients", "2", "--seconds", "2", "--requests", "20", "--uploads", "0",
                 "--data-dir", str(search_index.data_dir), "--out", str(out)])
    assert code == 0
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["total"]["errors"] == 0 and saved["memory"]["requests"] == 20
    assert {"p50", "p95", "p99"} <= set(saved["load"]["latency_ms"])
    assert "RSS" in capsys.readouterr().out
