"""The Milvus eval modes: registered with the runner and searching like the local plain modes."""
from __future__ import annotations

import pytest

from eval import bench_milvus
from eval.runner import EvalContext, available_modes, get_mode

pytestmark = pytest.mark.slow


def test_modes_are_registered_once():
    bench_milvus.register_milvus_modes()  # idempotent
    for name in bench_milvus.MILVUS_EVAL_MODES:
        assert name in available_modes()


@pytest.mark.parametrize("name", ["milvus-bm25", "milvus-dense", "milvus-hybrid"])
def test_mode_applies_the_city_named_in_the_question(search_index, tmp_path, monkeypatch, name):
    monkeypatch.setenv("POLICYQA_MILVUS_URI", str(tmp_path / "milvus.db"))
    bench_milvus._collections.clear()
    ctx = EvalContext(data_dir=search_index.data_dir, _index=search_index)
    search = get_mode(name).factory(ctx)
    hits = search("铁岭 2025年城镇清洁取暖率", (), 5)
    assert hits and {h.chunk.city for h in hits} == {"铁岭市"}
    assert all(h.source.startswith("milvus-") for h in hits)
    bench_milvus._collections.clear()
