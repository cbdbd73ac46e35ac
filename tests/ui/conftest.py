"""Small hand-made records for the UI unit tests (no index needed)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from corpus.model import Chunk, DocumentMeta
from ui.serve import CHROMIUM, launch_chromium

TITLE = "铁岭市“十四五”节能减排综合工作方案"


def make_chunk(paragraph: int, text: str, *, doc_id: str = "tieling-2022-jnjp", kind: str = "body") -> Chunk:
    return Chunk(
        chunk_id=f"{doc_id}-{paragraph:010d}",
        doc_id=doc_id,
        city="铁岭市",
        province="辽宁省",
        title=TITLE,
        section=("三、主要任务", "（三）城镇绿色节能改造工程"),
        section_path="三、（三）",
        paragraph=paragraph,
        section_paragraph=paragraph - 10,
        text=text,
        match_text=text,
        start=0,
        end=len(text),
        sentences=(text,),
        kind=kind,  # type: ignore[arg-type]
    )


@pytest.fixture(name="make_chunk")
def make_chunk_fixture():
    return make_chunk


@pytest.fixture
def meta() -> DocumentMeta:
    return DocumentMeta(doc_id="tieling-2022-jnjp", city="铁岭市", province="辽宁省", title=TITLE,
                        issuer="铁岭市人民政府", date="2022-12-23")


@pytest.fixture
def hostile_chunk() -> Chunk:
    return make_chunk(12, "到2025年，清洁取暖率达到70%。<script>alert(1)</script> **bold** [链接](http://x)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; install it with scripts/install-chromium.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()
