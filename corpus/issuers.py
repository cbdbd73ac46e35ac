"""Issuing bodies (DocumentMeta.issuer): one normaliser for every comparison of body names.

An issuer is written many ways: 国家发展改革委 = 发展改革委 = 国家发展和改革委员会, 住建部 =
住房和城乡建设部, 河南省人民政府办公厅 (a general office stands for the body it serves). The issuer
filter (index.filters) and the metadata eval (eval.real_facts) both compare through
`normalize_body`:

- each body's place is resolved to the division's full name (corpus.divisions: 宁夏自治区 ->
  宁夏回族自治区);
- short forms of body names are expanded by a general abbreviation table (ABBREVIATIONS:
  发改委 = 发展改革委 = 发展和改革委员会, 住建 = 住房城乡建设 = 住房和城乡建设, 科技厅 =
  科学技术厅, 市场监管 = 市场监督管理, 人行 = 中国人民银行, 证监会 = 中国证券监督管理委员会 …);
  national bodies written without 国家/中国 get it (发展改革委 = 国家发展和改革委员会);
- a party committee written any way (中共X委 / X委 / X党委 / 中共X委员会) reads X党委, 人大(含常委会)
  reads 人民代表大会常务委员会, and a general office (办公厅 / 办公室) the body it serves.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from corpus import divisions
from corpus.metadata import place_at_start
from corpus.text import matching

# Punctuation, spaces and brackets: not part of a name.
PUNCT_RE = re.compile(r"[\s\"'“”‘’《》〈〉<>「」『』（）()\[\]【】〔〕、，,。.：:；;！!？?·•\-—–－~～_/\\]+")

# Short forms of (parts of) body names -> the full form, on the body name without its place,
# in this order; a short form is replaced only where the full form is not already written
# (发展改革委 is not re-expanded inside 发展改革委员会). General Chinese government usage, not
# fitted to the record's rows.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"^政府$", "人民政府"), (r"人大常委会", "人民代表大会常务委员会"), (r"人大(?!常)", "人民代表大会"),
    (r"^共青团中央$|^团中央$", "中国共产主义青年团中央委员会"), (r"中国共产主义青年团(?!中央)", "共青团"),
    (r"^全国总工会$", "中华全国总工会"), (r"^全国妇联$", "中华全国妇女联合会"), (r"妇联", "妇女联合会"),
    (r"网信办", "网络安全和信息化委员会办公室"),
    (r"^中直管理局$", "中央直属机关事务管理局"), (r"^国管局$", "国家机关事务管理局"),
    (r"机关管理局", "机关事务管理局"), (r"机关事务局", "机关事务管理局"),
    (r"^国资委$", "国务院国有资产监督管理委员会"), (r"^广电总局$", "国家广播电视总局"), (r"广电局", "广播电视局"),
    (r"^中科院$", "中国科学院"), (r"^工程院$", "中国工程院"), (r"^社科院$", "中国社会科学院"),
    (r"^(?:中国)?民航局$", "中国民用航空局"), (r"^税务总局$", "国家税务总局"),
    (r"^(?:国家)?市场监管总局$", "国家市场监督管理总局"), (r"^金融监管总局$", "国家金融监督管理总局"),
    (r"^(?:中国)?人民银行", "中国人民银行"), (r"^人行", "中国人民银行"), (r"^央行$", "中国人民银行"),
    (r"^(?:中国)?证监会$", "中国证券监督管理委员会"), (r"^(?:中国)?银保监会$", "中国银行保险监督管理委员会"),
    (r"银保监(?=委员会|局)", "银行保险监督管理"), (r"银保监局", "银行保险监督管理局"),
    (r"发改(?=委|局)", "发展和改革"), (r"发展改革(?=委|局)", "发展和改革"),
    (r"住建(?=部|厅|局|委)", "住房和城乡建设"), (r"住房城乡建设", "住房和城乡建设"),
    (r"工信(?=部|厅|局|委)", "工业和信息化"), (r"经信(?=厅|局|委)", "经济和信息化"),
    (r"科技(?=部|厅|局)", "科学技术"), (r"科委", "科学技术委员会"), (r"教委", "教育委员会"),
    (r"卫健委", "卫生健康委员会"), (r"人社(?=部|厅|局)", "人力资源和社会保障"),
    (r"人力资源社会保障", "人力资源和社会保障"), (r"市场监管(?!理)", "市场监督管理"),
    (r"文旅(?=厅|局)", "文化和旅游"), (r"应急(?=厅|局)$", "应急管理"),
    (r"(?<!党)委$", "委员会"),
)
# National bodies written without 国家 / 中国 -> with it (after the abbreviations).
NATIONAL_NAMES: dict[str, str] = {
    "发展和改革委员会": "国家发展和改革委员会", "能源局": "国家能源局", "铁路局": "国家铁路局",
    "邮政局": "国家邮政局", "林草局": "国家林业和草原局", "统计局": "国家统计局", "气象局": "中国气象局",
    "乡村振兴局": "国家乡村振兴局", "知识产权局": "国家知识产权局", "中央委员会": "中共中央",
    "中共中央委员会": "中共中央", "国家发展改革委员会": "国家发展和改革委员会",
    "卫生健康委员会": "国家卫生健康委员会",
}
_OFFICES = ("办公厅", "办公室")


def normalize_body(name: str) -> str:
    """One issuing body's comparison key (see the module docstring)."""
    key = matching(name).replace("（", "(").replace("）", ")").replace("含常委会", "常委会")
    key = re.sub(r"人大\(常委会\)", "人大常委会", key)
    key = PUNCT_RE.sub("", re.sub(r"\([^()]*\)", "", key))
    for office in _OFFICES:  # a general office stands for the body it serves
        if key.endswith(office) and len(key) > len(office) + 1:
            key = key[: -len(office)]
            break
    key = key.removeprefix("中华人民共和国")
    party = key.startswith(("中共", "中国共产党"))
    bare = key.removeprefix("中国共产党").removeprefix("中共")
    place_name, rest = "", bare
    mention = place_at_start(bare)
    if mention is not None:
        division = divisions.pick(mention.candidates)
        if division is not None:
            place_name, rest = division.name, bare[mention.end:]
    if place_name and ((rest in ("委", "党委") or (party and rest == "委员会")) or
                       rest in ("省委", "市委", "区委", "县委", "州委", "自治区党委")):
        return f"{place_name}党委"
    if not place_name and party:
        rest = "中共" + rest
    for short, full in ABBREVIATIONS:
        rest = re.sub(short, full, rest)
    if not place_name:
        rest = NATIONAL_NAMES.get(rest, rest)
        if rest.startswith("国家") and rest[2:] in NATIONAL_NAMES:
            rest = NATIONAL_NAMES[rest[2:]]
    return place_name + rest


def body_set(names: Sequence[str]) -> frozenset[str]:
    return frozenset(k for n in names if n.strip() and (k := normalize_body(n)))


# Separators between the bodies of a joint issuer ("国家发展改革委、国家能源局").
_BODIES_RE = re.compile(r"[、,，;；\s]+")


def bodies(issuer: str) -> list[str]:
    """The bodies of an issuer as stored (DocumentMeta.issuer), in order."""
    return [b for b in _BODIES_RE.split(issuer.strip()) if b]


def _expanded(name: str) -> str:
    """`name` with its short forms expanded (ABBREVIATIONS), place and 国家 left as written:
    "发改委" -> "发展和改革委员会", so that it is found inside any place's 发展和改革委员会."""
    rest = PUNCT_RE.sub("", matching(name))
    for short, full in ABBREVIATIONS:
        rest = re.sub(short, full, rest)
    return rest


def issuer_matches(wanted: str, issuer: str) -> bool:
    """Whether an issuer filter value names one of the bodies of `issuer` (or part of its name):
    the same body once normalised ("国家发展改革委" ~ "国家发展和改革委员会", "河南省人民政府" ~
    "河南省人民政府办公厅"), or a part of a body's name as written or with short forms expanded
    ("发改委" in "河南省发展和改革委员会", "安阳" in "安阳市人民政府"). Empty `wanted` matches nothing."""
    want = PUNCT_RE.sub("", matching(wanted))
    if not want or not issuer.strip():
        return False
    written = PUNCT_RE.sub("", matching(issuer))
    if want in written:
        return True
    full, part = normalize_body(wanted), _expanded(wanted)
    keys = [normalize_body(b) for b in bodies(issuer)]
    return any(key == full or (part and part in key) for key in keys)
