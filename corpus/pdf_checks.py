"""Signs that a PDF page's text layer is bad: mojibake from a broken font map, or OCR noise.

- `garbled_share(text)`: the share of a page's (non-space) characters that are not plausible in
  a Chinese policy document. A font whose ToUnicode map is missing or wrong gives Latin-1
  letters (GBK bytes read as Latin-1: "½ÚÄÜ¼õÅÅ"), private-use code points, rare or
  compatibility ideographs ("臵" for 置), Kangxi radicals ("⼯" for 工), box drawing, U+FFFD...
  Above `GARBLED_PAGE` the page's text layer should not be trusted (OCR it, or refuse it).
- `ocr_noise(text)`: a sign that a text layer came from OCR and kept its errors: Latin letters
  inside numbers ("2O25"), stroke-like symbols or spaced ASCII punctuation between Chinese
  characters ("工作 , 到", "节|能"). Spots per Chinese character; above
  `OCR_NOISY_PAGE` a page reads like uncorrected OCR.

Both are pure functions of the text (no PDF access), fast enough to run on every page.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Calibration: pdfplumber `page.extract_text()` of every page of the 160 real PDFs in
# eval/real/pdfs/ (3,435 pages, 3,420 with text). Their garbled share: median 0, 99th
# percentile 0.0046, 99.9th 0.021, maximum 0.046 (77.pdf p.13: 31 private-use U+1001B0 from a
# symbol font; next 443.pdf, same character, and 413.pdf p.75, whose font maps 置 to 臵).
# Garbage: GBK bytes read as Latin-1, page by page over 200 real pages, median 0.84 and minimum
# 0.12 (a page that is mostly digits, which survive); UTF-8 read as Latin-1 median 0.92;
# random Latin-1 0.86-0.89; random CJK Extension B or private use 1.0; random ideographs of
# the basic block (a map into the wrong ideographs) 0.23-0.26. 0.10 is twice the worst real
# page and below every kind of garbage. Not caught: GBK bytes read as Big5 (median 0.09),
# since that yields common traditional characters.
GARBLED_PAGE = 0.10

# Calibration: ocr_noise over the same 3,420 pages (born-digital text layers): median 0, 99th
# percentile 0.0029, maximum 0.024 (443.pdf p.2, typed with spaced ASCII punctuation); 2 pages
# reach 0.01, 1 page 0.02, none 0.03. The brief's example "节能减排工作 , 到2O25年" scores 0.25.
# RapidOCR's own output (corpus.ocr) on 9 real pages scored 0: it makes substitutions between
# Chinese characters, which no pattern sees, so this flags other engines' OCR layers.
OCR_NOISY_PAGE = 0.03

# Characters accepted outside the Chinese ideographs and ASCII, by block (inclusive ranges).
_PLAUSIBLE_RANGES = (
    (0x0370, 0x03FF),  # Greek (α, β, μ, Δ in formulas and units)
    (0x2000, 0x206F),  # general punctuation (— “ ” … ‰ • ※ ′)
    (0x2070, 0x209F),  # superscripts and subscripts (CO₂, m³)
    (0x20A0, 0x20CF),  # currency signs
    (0x2100, 0x214F),  # letterlike symbols (℃, №, ℉)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ Ⅲ, ½)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≥ ≤ ≈ √ ∑)
    (0x2300, 0x23FF),  # miscellaneous technical (⌒)
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ⑴ ⒈)
    (0x25A0, 0x25FF),  # geometric shapes used as bullets (■ □ ▲ ● ○ ◆)
    (0x2600, 0x26FF),  # miscellaneous symbols (★ ☆ ☑)
    (0x2700, 0x27BF),  # dingbats (✓ ❶)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、 。 《 》 【 】 〔 〕 〇)
    (0x3200, 0x32FF),  # enclosed CJK letters and months (㈠ ㊀)
    (0x3300, 0x33FF),  # CJK compatibility units (㎡ ㎞ ㎏)
    (0xFE30, 0xFE4F),  # CJK compatibility forms (︵ ︶)
    (0xFE50, 0xFE6F),  # small form variants (﹝ ﹞ ﹐)
    (0xFF01, 0xFF60),  # full-width ASCII forms (， （ ） ： ２０２５ ％)
    (0xFFE0, 0xFFE6),  # full-width signs (￥ ￡)
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics (𝐶 𝑖 in formulas set by Word's equation editor)
)
# Latin-1 symbols that plans use (all but ÷ ² ³ occur in the real PDFs); the other Latin-1
# characters (accented letters, ¤ ¦ ¨ ª § ¥ ...) are what GBK or UTF-8 bytes read as Latin-1
# turn into, so each one accepted here makes such mojibake look more plausible.
_PLAUSIBLE_LATIN1 = frozenset("°±·×÷²³µ«»")
_PLAUSIBLE_OTHER = frozenset("・")  # katakana middle dot, used for the interpunct
# Invisible fillers some producers use as spaces (Hangul fillers: 70 on one real title page);
# skipped like whitespace.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0")


@lru_cache(maxsize=1)
def _common_ideographs() -> frozenset[str]:
    """The common ideograph set: the CJK Unified Ideographs (U+4E00-U+9FFF) that GB2312
    (6,763 simplified) or Big5 (13,060 traditional) can encode. Everything else (the rest of
    the basic block, Extensions A-H, compatibility ideographs, radicals) is rare in plans and
    typical of broken font maps."""
    chars = []
    for code in range(0x4E00, 0xA000):
        ch = chr(code)
        for encoding in ("gb2312", "big5"):
            try:
                ch.encode(encoding)
            except UnicodeEncodeError:
                continue
            chars.append(ch)
            break
    return frozenset(chars)


def plausible(ch: str) -> bool:
    """Whether one character is plausible in the text of a Chinese policy document."""
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return True
    if 0x4E00 <= code <= 0x9FFF:
        return ch in _common_ideographs()
    if 0xA0 <= code <= 0xFF:
        return ch in _PLAUSIBLE_LATIN1
    if ch in _PLAUSIBLE_OTHER:
        return True
    return any(lo <= code <= hi for lo, hi in _PLAUSIBLE_RANGES)


def garbled_share(text: str) -> float:
    """Share of the non-whitespace characters of `text` that are not plausible Chinese-document
    text (see `plausible`); 0.0 for text with no such characters (or none at all). Format
    characters (zero-width space, BOM, soft hyphen) are left out: they are noise but not a sign
    of a broken font map."""
    counted = bad = 0
    for ch in text:
        if ch.isspace():
            continue
        if plausible(ch):
            counted += 1
        elif not (ch in _BLANKS or unicodedata.category(ch) == "Cf"):
            counted += 1
            bad += 1
    return bad / counted if counted else 0.0


_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
_NOISE_RES = (
    # a letter that OCR reads for a digit, inside a number: 2O25, 1l.5, 2S0
    re.compile(r"(?<=\d)[OoIlSZB](?=\d)"),
    # stroke-like ASCII symbols between two Chinese characters (a table rule or a vertical
    # stroke read as "|", "_", "~")
    re.compile(rf"(?<={_HAN})[ \t]*[|_~^`\\][ \t]*(?={_HAN})"),
    # ASCII punctuation with a space beside it between two Chinese characters ("工作 , 到"):
    # plans that type ASCII commas write "工作,到"
    re.compile(rf"(?<={_HAN})(?:[ \t]+[,;:.!?][ \t]*|[ \t]*[,;:.!?][ \t]+)(?={_HAN})"),
)
_HAN_RE = re.compile(_HAN)


def ocr_noise(text: str) -> float:
    """Spots of typical OCR errors per Chinese character of `text` (0.0 without Chinese).
    Counted: a letter among digits ("2O25"), a stroke-like symbol between Chinese characters
    ("节|能", "工作_到"), ASCII punctuation with a space beside it between Chinese characters
    ("工作 , 到"). Not counted, because born-digital plans have them: ASCII commas without
    spaces ("攻坚战,持续"), single letters ("A级", "第i个", "V类")."""
    han = len(_HAN_RE.findall(text))
    if not han:
        return 0.0
    spots = sum(len(pattern.findall(text)) for pattern in _NOISE_RES)
    return spots / han
