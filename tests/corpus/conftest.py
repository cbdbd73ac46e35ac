"""Shared fixtures: the five real plans, parsed, plus small file builders for reader tests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.catalog import PLANS_DIR, builtin_documents
from corpus.model import Document

SLUGS = ("anshun", "sanmenxia", "tieling", "anyang", "dingzhou")


@pytest.fixture(scope="session")
def plans() -> dict[str, tuple[str, Document]]:
    """doc_id -> (raw text, parsed Document) for every built-in plan."""
    raw = {slug: (PLANS_DIR / f"{slug}.txt").read_text(encoding="utf-8") for slug in SLUGS}
    return {d.meta.doc_id: (raw[d.meta.doc_id], d) for d in builtin_documents()}


@pytest.fixture(scope="session")
def manifest() -> list[dict[str, str]]:
    return json.loads((PLANS_DIR / "manifest.json").read_text(encoding="utf-8"))


def make_pdf(text: str | None) -> bytes:
    """A minimal one-page PDF; with `text` it draws that ASCII text, else only a rectangle."""
    if text is None:
        stream = b"0 0 m 100 0 l 100 100 l f"
        resources = b"<< >>"
    else:
        stream = b"BT /F1 24 Tf 72 720 Td (" + text.encode("ascii") + b") Tj ET"
        resources = b"<< /Font << /F1 5 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
        + resources + b" >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


@pytest.fixture(name="make_pdf")
def make_pdf_fixture():
    return make_pdf


@pytest.fixture(name="make_docx")
def make_docx_fixture():
    return make_docx
