"""A small run of `python -m eval.load` (real server, loopback): no request may fail.

No latency assertions: this machine is shared; `make load` records the figures."""
from __future__ import annotations

import json

import pytest

from eval.load import LoadConfig, main, run

pytestmark = pytest.mark.slow


def test_32_clients_with_two_upload_jobs_have_no_errors(search_index):
    result = run(LoadConfig(clients=32, seconds=12, requests=200, uploads=2, upload_paragraphs=30, restart=False,
                            data_dir=search_index.data_dir))
    assert result["total"]["errors"] == 0, result
    assert result["load"]["requests"] > 32 and result["memory"]["requests"] == 200
    uploads = result["load"]["by_endpoint"]["POST /api/v1/documents"]
    assert uploads["requests"] == 2 and uploads["errors"] == 0  # 202, then the job done
    assert result["load"]["uploads_visible"]  # both landed while queries were served
    during = result["load"]["during_upload_jobs"]
    assert during["requests"] > 0 and during["errors"] == 0 and during["search_latency_ms"]["p95"] > 0
    print(f"search during two upload jobs: {during['requests']} requests, p50/p95 "
          f"{during['search_latency_ms']['p50']}/{during['search_latency_ms']['p95']} ms")
    assert not result["token_in_server_log"] and result["tracebacks_in_server_log"] == 0
    assert result["memory"]["rss_before_mb"] > 0 and result["memory"]["rss_after_mb"] > 0


def test_bad_arguments_exit_2(capsys, tmp_path):
    assert main(["--clients", "0", "--out", str(tmp_path / "x.json")]) == 2
    assert "clients >= 1" in capsys.readouterr().err and not (tmp_path / "x.json").exists()


def test_results_file_written(search_index, tmp_path, capsys):
    out = tmp_path / "load.json"
    code = main(["--clients", "2", "--seconds", "2", "--requests", "20", "--uploads", "0", "--no-restart",
                 "--data-dir", str(search_index.data_dir), "--out", str(out)])
    assert code == 0
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["total"]["errors"] == 0 and saved["memory"]["requests"] == 20
    assert {"p50", "p95", "p99"} <= set(saved["load"]["latency_ms"])
    assert "RSS" in capsys.readouterr().out
