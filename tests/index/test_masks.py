"""index.masks.ChunkMasks: the same chunks as Filters.accepts, on the built-in corpus."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from corpus.catalog import load_corpus
from index.masks import ChunkMasks
from index.types import Filters


@pytest.fixture(scope="module")
def chunks():
    chunks = [c for d in load_corpus(None) for c in d.chunks]
    # some chunks as news leads, so that include_lead has something to leave out
    return [replace(c, kind="lead") if i % 7 == 0 else c for i, c in enumerate(chunks)]


def _filters(chunks):
    cities = list(dict.fromkeys(c.city for c in chunks))
    docs = list(dict.fromkeys(c.doc_id for c in chunks))
    return [
        Filters(),
        Filters(include_lead=False),
        Filters(cities=(cities[0],)),
        Filters(cities=tuple(cities[1:3])),
        Filters(cities=("不存在市",)),  # a place with no chunk: nothing
        Filters(doc_ids=(docs[-1],)),
        Filters(doc_ids=(docs[0], "no-such-doc")),
        Filters(cities=(cities[0],), doc_ids=(docs[0], docs[-1])),  # both must hold
        Filters(cities=tuple(cities), doc_ids=tuple(docs[1:]), include_lead=False),
    ]


def test_masks_accept_what_filters_accept(chunks):
    masks = ChunkMasks(chunks)
    for filters in _filters(chunks):
        expected = np.array([filters.accepts(c) for c in chunks])
        assert np.array_equal(masks.mask(filters), expected), filters


def test_mask_is_read_only_and_none_means_everything(chunks):
    masks = ChunkMasks(chunks)
    everything = masks.mask(None)
    assert everything.all() and len(everything) == len(chunks)
    assert not masks.mask(Filters(cities=("不存在市",))).any()
    for filters in _filters(chunks):
        with pytest.raises(ValueError):
            masks.mask(filters)[0] = False


def test_unresolved_metadata_is_refused(chunks):
    with pytest.raises(ValueError, match="resolved"):
        ChunkMasks(chunks).mask(Filters(level="市"))


def test_no_chunks():
    assert ChunkMasks([]).mask(Filters(cities=("铁岭市",))).shape == (0,)
