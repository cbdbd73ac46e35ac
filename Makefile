# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: install run index test test-fast eval eval-real walk bench-real library eval-milvus bench bench-scale load replicas milvus-server screenshot indicators clean

install: $(STAMP)

# torch is installed first and pinned: left to itself pip would resolve a multi-GB CUDA build.
# It is only needed by the optional sentence-transformers backend (extra "st") and its test.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[st,test,ocr]'
	touch $(STAMP)

index: install
	$(BIN)/python -m assistant index

run: index
	$(BIN)/python -m assistant serve --host $(HOST) --port $(PORT)

test: install milvus-server
	bash scripts/install-chromium.sh
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q -m "not slow and not browser"

eval: index
	$(BIN)/python -m eval run --name latest --answers \
		--modes plain-bm25,plain-dense,plain-hybrid,bm25,dense,hybrid
	$(BIN)/python -m eval answers-loco --name answers-loco
	$(BIN)/python -m eval readme --from eval/results/latest.json --loco eval/results/answers-loco.json

# the 160 real policy PDFs of eval/real read as `add` reads them, against their hand-made record
walk: index
	$(BIN)/python -m eval walk

bench-real: install
	$(BIN)/python -m eval.real_bench

# blind questions on 42 real PDFs, added to .data-real as a user adds them (no metadata)
eval-real: install
	$(BIN)/python -m eval.real_eval

# the real Milvus standalone server (registry package `milvus`) in its own venv, .milvus-venv
milvus-server:
	bash scripts/milvus-server.sh install

# the five built-in plans plus the 160 PDFs of eval/real/pdfs as one library in .data-library
# (added as `add` adds a folder; resumable; embedding it takes over an hour on two cores):
# build figures, latency, the five-plan questions against the five-plan index, the real and the
# library questions. LIMIT=12 adds only the first 12 PDFs (a smoke run).
library: index
	POLICYQA_CLAUSES_AT_BUILD=0 $(BIN)/python -m eval.library $(if $(LIMIT),--limit $(LIMIT))

# `milvus` serving mode next to local hybrid: a real Milvus server, then milvus-lite
eval-milvus: index milvus-server
	$(BIN)/python -m eval.bench_milvus

# two replicas on one Milvus server: upload through one, found through the other; kill one under load
replicas: index milvus-server
	$(BIN)/python -m eval.replicas

# FAST=1: a few minutes (fewer questions and requests, no cold build or bm25/faiss/Milvus comparisons)
bench: index
	$(BIN)/python -m eval.bench $(if $(FAST),--fast)

bench-scale: install
	$(BIN)/python -m eval.scale

load: index
	$(BIN)/python -m eval.load

screenshot: index
	$(BIN)/python -m ui.screenshot --out docs/screenshot.png --explorer-out docs/explorer.png --library-out docs/library.png

indicators: install
	$(BIN)/python -m eval.indicator_sample

clean:
	rm -rf .data .test-data .data-real .data-library
