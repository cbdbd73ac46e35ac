"""Small PDFs for reader tests, written into a directory the test owns (e.g. `tmp_path`).

- `text_pdf(path, lines)`: a page of Chinese text with a text layer (reportlab, STSong-Light).
- `encrypted_pdf(path, user_password)`: needs that password to open (pypdf, RC4-128).
- `owner_only_encrypted_pdf(path)`: encrypted with an owner password only: the empty user
  password opens it, as any viewer does without asking.
- `scanned_pdf(path, lines)`: a page that is only an image of Chinese text (no text layer),
  drawn with PIL in a CJK font of this machine (`cjk_font()`; the browser setup,
  scripts/install-chromium.sh, installs fonts-noto-cjk). Raises `LookupError` without one.
- `garbage_text_pdf(path)`: a text layer of mojibake: Chinese sentences as GBK bytes drawn as
  Latin-1 characters in Helvetica, so a text extractor reads "½ÚÄÜ¼õÅÅ..." (what a font with
  a broken ToUnicode map gives).
- `long_pdf(path, pages)`: many pages of plain Chinese paragraphs, written in about a second.
- `boxed_text_pdf(path, fill)`: plain paragraphs with every line of text on a filled box of its
  own (no stroke), as some producers write a page: full lines on full-width boxes, a
  paragraph's last line on a box as long as its text, and one line holding the end of a
  paragraph and, after a gap, the next paragraph's label on two boxes side by side.

Each returns `path`. STSong-Light is one of Adobe's standard CID fonts: reportlab needs no
font file and embeds none, so the text layer is exact but the glyphs only render where the
viewer has a CJK font.
"""
from __future__ import annotations

import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

FONT = "STSong-Light"
A4 = (595.2756, 841.8898)  # points
MARGIN = 72.0
SIZE = 12.0  # font size, points
LEADING = 20.0  # baseline to baseline, points

PARAGRAPHS = (
    "为深入贯彻落实党中央、国务院关于碳达峰碳中和的重大战略决策，扎实推进节能减排工作，"
    "结合本市实际，制定本方案。",
    "到2025年，全市单位地区生产总值能源消耗比2020年下降13.5%，能源消费总量得到合理控制，"
    "化学需氧量、氨氮、氮氧化物、挥发性有机物排放总量比2020年分别下降8%、8%、10%以上、10%以上。",
    "推动能源绿色低碳转型，严格合理控制煤炭消费增长，有序推进煤炭减量替代，"
    "大力发展风能、太阳能、生物质能等可再生能源。",
    "实施重点行业绿色升级工程，以钢铁、有色金属、建材、石化化工等行业为重点，"
    "推进节能改造和污染物深度治理，全面开展清洁生产审核和评价认证。",
    "加强组织领导，各级人民政府要把节能减排工作摆在突出位置，"
    "主要负责同志是本地区节能减排第一责任人。",
)


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(text: str, width_chars: int) -> list[str]:
    """Fixed-width wrapping: every character of STSong-Light is taken as one em (CJK) wide,
    which over-estimates ASCII and so never overflows the margin."""
    return [text[i : i + width_chars] for i in range(0, len(text), width_chars)] or [""]


def text_pdf(path: Path, lines: Sequence[str]) -> Path:
    """One A4 page with `lines` drawn one under the other (a text layer, no images)."""
    from reportlab.pdfgen import canvas

    _register_font()
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont(FONT, SIZE)
    y = A4[1] - MARGIN - SIZE
    for line in lines:
        page.drawString(MARGIN, y, line)
        y -= LEADING
    page.save()
    return path


def encrypted_pdf(path: Path, user_password: str = "secret") -> Path:
    """A text PDF that opens only with `user_password`."""
    return _encrypted(path, user_password=user_password, owner_password="owner-" + user_password)


def owner_only_encrypted_pdf(path: Path) -> Path:
    """A text PDF encrypted with an owner password only (permissions), readable by anyone."""
    return _encrypted(path, user_password="", owner_password="owner-secret")


def _encrypted(path: Path, *, user_password: str, owner_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = path.with_name(path.stem + ".plain.pdf")
    text_pdf(plain, PARAGRAPHS[:2])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=user_password, owner_password=owner_password)
    with path.open("wb") as out:
        writer.write(out)
    plain.unlink()
    return path


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    """A font file with Chinese glyphs on this machine (fontconfig's choice for `:lang=zh`,
    sans-serif regular preferred), or None."""
    candidates: list[Path] = []
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "file", "style"], capture_output=True,
                                 text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    for row in listing.splitlines():
        file, _, style = row.partition(":")
        if file.strip():
            candidates.append(Path(file.strip()))
            if "Regular" in style and "Sans" in file:
                return Path(file.strip())
    for pattern in ("/usr/share/fonts/**/NotoSansCJK-Regular.ttc", "/usr/share/fonts/**/*CJK*.tt[cf]",
                    "/usr/share/fonts/**/wqy*.tt[cf]"):
        candidates += sorted(Path("/").glob(pattern.lstrip("/")))
    return next((c for c in candidates if c.is_file()), None)


def scanned_pdf(path: Path, lines: Sequence[str], dpi: int = 200,
                size: tuple[float, float] = A4) -> Path:
    """One page (`size` in points, A4 unless given; a small page OCRs faster) that is only an
    image (`dpi`) of `lines` in black on white: the first line's text box starts at (MARGIN,
    MARGIN) points from the top-left corner, lines `LEADING` apart, `SIZE` points high (PIL's
    text box: the glyphs sit a little below its top). No text layer. Raises LookupError
    without a CJK font."""
    from PIL import Image, ImageDraw

    font_file = cjk_font()
    if font_file is None:
        raise LookupError("no CJK font on this machine (fc-list :lang=zh is empty; "
                          "apt-get install fonts-noto-cjk)")
    px = dpi / 72.0
    image = Image.new("L", (round(size[0] * px), round(size[1] * px)), color=255)
    draw = ImageDraw.Draw(image)
    font = _simplified_face(font_file, round(SIZE * px))
    for i, line in enumerate(lines):
        draw.text((MARGIN * px, (MARGIN + i * LEADING) * px), line, font=font, fill=0)
    image.save(path, format="PDF", resolution=float(dpi))
    return path


def _simplified_face(font_file: Path, size: int) -> Any:
    """The Simplified Chinese face of a font collection (.ttc: Noto's first face is Japanese),
    else its first face."""
    from PIL import ImageFont

    first = ImageFont.truetype(str(font_file), size=size)
    for index in range(1, 16):
        try:
            face = ImageFont.truetype(str(font_file), size=size, index=index)
        except OSError:
            break
        if (face.getname()[0] or "").endswith(" SC"):
            return face
    return first


def garbage_text_pdf(path: Path) -> Path:
    """One page whose text layer is mojibake: GBK bytes of Chinese sentences shown as Latin-1."""
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("Helvetica", SIZE)
    y = A4[1] - MARGIN - SIZE
    for paragraph in PARAGRAPHS:
        garbled = paragraph.encode("gbk").decode("latin-1")
        for line in _wrap(garbled, 60):
            page.drawString(MARGIN, y, line)
            y -= LEADING
    page.save()
    return path


def long_pdf(path: Path, pages: int = 500) -> Path:
    """`pages` A4 pages of plain Chinese paragraphs (each page opens with its own heading line
    "第N页" so pages differ), no tables, no images."""
    from reportlab.pdfgen import canvas

    _register_font()
    width_chars = int((A4[0] - 2 * MARGIN) // SIZE)
    document = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, pages + 1):
        document.setFont(FONT, SIZE)
        y = A4[1] - MARGIN - SIZE
        document.drawString(MARGIN, y, f"第{number}页")
        y -= LEADING
        for k in range(len(PARAGRAPHS) * 2):
            paragraph = PARAGRAPHS[(number + k) % len(PARAGRAPHS)]
            for j, line in enumerate(_wrap(paragraph, width_chars - 2)):
                document.drawString(MARGIN + (2 * SIZE if j == 0 else 0), y, line)
                y -= LEADING
                if y < MARGIN:
                    break
            if y < MARGIN:
                break
        document.showPage()
    document.save()
    return path


def boxed_text_pdf(path: Path, fill: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> Path:
    """One A4 page of PARAGRAPHS, the second on labelled "（2）" and so on, each line of text
    drawn over a box filled with `fill` (RGB, no stroke). A paragraph that ends short of the
    margin has the next one start on its line, two characters further."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    _register_font()
    width = A4[0] - 2 * MARGIN

    def take(text: str, room: float) -> int:  # how many characters of `text` fit in `room` points
        n = 0
        while n < len(text) and stringWidth(text[: n + 1], FONT, SIZE) <= room:
            n += 1
        return n

    rows: list[list[tuple[float, str, float]]] = []  # per line: (x, text, box width) in points
    for k, paragraph in enumerate(PARAGRAPHS):
        text = paragraph if k == 0 else f"（{k + 1}）{paragraph}"
        if rows and len(rows[-1]) == 1 and rows[-1][0][2] <= width - 10 * SIZE:
            x = rows[-1][0][2] + 2 * SIZE
            n = take(text, width - x)
            rows[-1].append((x, text[:n], width - x))
            text = text[n:]
        while text:
            n = take(text, width)
            rows.append([(0.0, text[:n], width if n < len(text) else stringWidth(text, FONT, SIZE))])
            text = text[n:]
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont(FONT, SIZE)
    y = A4[1] - MARGIN - SIZE
    for row in rows:
        for x, text, box in row:
            page.setFillColorRGB(*fill)
            page.rect(MARGIN + x, y - 4, box, LEADING, stroke=0, fill=1)
            page.setFillColorRGB(0, 0, 0)
            page.drawString(MARGIN + x, y, text)
        y -= LEADING
    page.save()
    return path
