"""Document metadata read from a plan's own text, each value with the line it came from.

Read (on display paragraphs, every rule on their matching text, so a plan in Traditional
script or with full-width digits reads the same):

- title: the document's own title, also when printed over several lines, and the plan's own
  title when the document is a notice issuing it (corpus.structure.find_title);
- doc_number (文号): a line that is only a document number ("安府发〔2022〕17号", brackets
  〔〕 [] （） 【】 alike, also the whole number in brackets), or a header line
  "文号/发文字号/发布文号/索引号…：…";
- issuer (发文机关): every issuing body, in the order printed, joined with "、": from the 落款
  (the body lines right above the signature date, at the end of the covering notice or of the
  document; a line may hold several bodies: "温州市财政局温州市住房和城乡建设局"), else the
  red-head / body lines around the title ("江苏省科学技术厅" / "文件" / "江苏省财政厅"; a plan's
  cover "内江市生态环境局二〇二二年三月", its body and month on one line), else
  the bodies the title names ("国家发展改革委 国家能源局关于印发…的通知"; "…等部门" keeps the
  first), else a header line "发文机关/发布机构/发布部门：…", else the office printing it
  ("繁昌区人民政府办公室2022年3月9日印发"). A body printed without its place ("省住房城乡建设厅",
  "市科技局") gets the document's place: "江苏省住房城乡建设厅";
- date (成文/签发日期, ISO): the 落款 date ("2022年12月23日", "二〇二二年十二月二十三日"), else a
  lone date line ending the notice, else the printing date ("…2022年1月29日印发", "印发日期："),
  else a header line "成文日期/发文日期/发布日期：…" or a bracketed date under the title, else a
  news dateline ("（新华社北京2021年10月21日电）", the day it was published). A 落款 behind a
  contact line's telephone number ("…:5220566包头市住房和城乡建设局") is read. With none of
  these, a cover's month under the title and its compiling bodies ("2022年5月", no day) is the
  date at month precision: "2022-05" (`date_precision`);
- doc_type: the document's kind, the last words of its title (corpus.language.DOC_KINDS); a notice
  that is the document itself is a 通知 (a covering notice is not: the plan it issues is the
  document);
- level and place (DocumentMeta.level, province, city, prefecture; corpus.divisions): from
  the issuing bodies (国务院, 国家发展改革委, 生态环境部 … national; "河南省人民政府" provincial;
  a 市/州/盟 body municipal; a 县/区/旗 body county), else the place the title names, else the
  text ("我省", "全市", the places it names most);
- implements: the documents cited in the plan's opening statement ("为深入贯彻落实
  《辽宁省人民政府关于印发…的通知》（辽政发〔2022〕16号）精神…"), title and number;
- meeting: "经市政府第N次常务会议审议通过" (and 研究同意 / 审定) where stated.

News leads are not read (a news site's words are not the plan's). `merge` keeps every value
given in the manifest or on `add` and fills only the empty fields.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from corpus import divisions
from corpus.language import DOC_KINDS, SELF_KINDS
from corpus.model import DocRef, DocumentMeta, MetaSource
from corpus.places import NATIONAL, same_city
from corpus.text import align, compact, matching, split_sentences

_BRACKETS = r"[〔\[（(【［]"
_CLOSE = r"[〕\]）)】］]"
DOC_NUMBER = rf"[\u4e00-\u9fff]{{1,12}}{_BRACKETS}\s*(?:19|20)\d{{2}}\s*{_CLOSE}\s*第?\s*\d{{1,4}}\s*号"
_DOC_NUMBER_RE = re.compile(DOC_NUMBER)
_NUMBER_LINE_RE = re.compile(rf"^(?:{DOC_NUMBER})$")
_BRACKETED_NUMBER_LINE_RE = re.compile(rf"^[(（]\s*(?P<number>{DOC_NUMBER})\s*[)）]$")
_HEADER_RE = re.compile(r"^(?P<key>[\u4e00-\u9fff]{2,6})\s*[:：]\s*(?P<value>.+)$")
_NUMBER_KEYS = ("文号", "发文字号", "发布文号", "发文文号", "文件编号", "字号")
_DATE_KEYS = ("成文日期", "签发日期", "发文日期", "印发日期", "发布日期", "公布日期", "发布时间", "编辑时间")
_ISSUER_KEYS = ("发文机关", "发文单位", "发布机构", "发布机关", "印发机关", "制发机关", "发布部门", "发文部门")
_DATE_RE = re.compile(r"^(?P<y>(?:19|20)\d{2})\s*[年\-./]\s*(?P<m>\d{1,2})\s*[月\-./]\s*(?P<d>\d{1,3})\s*日?$")
_CN_DATE_RE = re.compile(r"^(?P<y>[〇零○一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日$")
# A date inside a line: "2022年12月23日", "二〇二二年十二月二十三日" (matching text).
_INLINE_DATE = (r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,3}\s*日|"
                r"[〇零○一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十]{1,3}\s*日")
# The signature line: bodies (maybe none) then the date, maybe "印发", maybe a remark in brackets.
_SIGNATURE_RE = re.compile(rf"^(?P<bodies>[^，。；：:,;！？]*?)\s*(?P<date>{_INLINE_DATE})\s*(?P<printed>印发|发布|公布)?"
                           r"\s*(?:[(（][^()（）]{0,20}[)）])?$")
_BRACKET_DATE_RE = re.compile(rf"^[(（]\s*(?P<date>{_INLINE_DATE})\s*(?P<printed>印发|发布|公布)?\s*[)）]$")
# A news dateline: the agency (新华社, 中新社, 人民网 …), maybe the place, the full date, 电; maybe in
# brackets at the end of the text: "（新华社北京2021年10月21日电）" (matching text: ASCII brackets);
# 电 is no word's start there (电力, 电话, 电网 …).
_DATELINE_RE = re.compile(rf"(?P<open>\(\s*)?[\u4e00-\u9fff]{{1,6}}(?:社|网|报)[\u4e00-\u9fff]{{0,8}}?\s*"
                          rf"(?P<date>{_INLINE_DATE})\s*电(?!力|话|视|网|价|量|费|子|器|池|动|厂|站|能|气|源|线|缆|商|信)(?(open)\s*\)|)")
# Paragraphs from the end of the text a closing dateline is looked for in.
DATELINE_TAIL = 5
_SPLIT_DATE_RE = re.compile(r"^(?P<y>(?:19|20)\d{2})\s+(?P<m>\d{1,2})\s+(?P<d>\d{1,2})$")  # under "…年月日"
_YMD_LINE_RE = re.compile(r"^[\d\s.]*(?P<bodies>[^，。；：:,;！？\d]*?)年月日(?P<printed>印发|发布)?$")
_HEAD_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[年\-./]\s*(?P<m>\d{1,2})\s*[月\-./]\s*(?P<d>\d{1,2})\s*日?")
_ISSUER_RE = re.compile(r"(?:人民政府|人民政府办公室|人民政府办公厅|政府办公室|政府办公厅|委员会|管理委员会|"
                        r"办公室|办公厅|局|厅|委|政府)$")
_REF_RE = re.compile(rf"《(?P<title>[^《》]{{4,120}})》\s*(?:[（(]\s*(?P<number>{DOC_NUMBER})\s*[）)])?")
_IMPLEMENT_VERBS = re.compile(r"贯彻|落实|根据|按照|依据|依照|遵照|对照")
_OPENING_END = re.compile(r"制定本|特制定|制订本|结合.{0,10}实际")
_MEETING_RE = re.compile(r"经(?P<meeting>[^，。；,;]{2,40}?会议)(?:审议|研究|审定|讨论)(?:通过|同意|决定)?")
_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
FIELDS = ("title", "issuer", "doc_number", "date", "implements", "meeting")
# Read since the place fields came: filled by `merge` as one group (see `_place_updates`).
PLACE_FIELDS = ("level", "province", "city", "prefecture")
ALL_FIELDS = FIELDS + ("doc_type",) + PLACE_FIELDS
# Paragraphs the header fields (number, signature, date) are looked for in: a covering notice
# and its signature come before the plan's first section; lines this far in are body text.
HEAD_PARAGRAPHS = 30
# Paragraphs above a signature date that may hold its issuing bodies.
MAX_SIGNATURE_LINES = 20
# Paragraphs the text's own place is looked for in (我省 / 全市 …, the places it names).
MAX_PLACE_PARAGRAPHS = 200

# The document kinds and their classes: corpus.language.DOC_KINDS.
_KIND_WORDS = sorted(DOC_KINDS, key=len, reverse=True)
_KIND_TAIL_RE = re.compile(r"(?:[（(〔][^（）()〔〕]{1,16}[）)〕]|[》〉>\s])*$")


def kind_class(doc_type: str) -> str:
    """The coarse class of a document kind: 方案 -> 行动工作方案, 意见 -> 意见决定; "" if unknown."""
    return DOC_KINDS.get(doc_type, "")


def doc_kind(title: str) -> str:
    """The kind of a document from its title's last words: "…实施方案（试行）" -> 方案; ""."""
    text = _KIND_TAIL_RE.sub("", matching(title))
    return next((k for k in _KIND_WORDS if text.endswith(k)), "")


# --- issuing bodies ----------------------------------------------------------------------------
# Words that end the name of a body (an office, ministry, bureau, committee, bank branch …).
_ORGAN_END_RE = re.compile(
    r"(?:人民政府|政府|办公厅|办公室|委员会|常委会|领导小组|小组|党委|省委|市委|区委|县委|州委|盟委|中央|国务院|"
    r"总局|局|部|厅|委|署|院|银行|分行|支行|会|中心|海关|办|集团|公司|团|联)$")
# Central (national) bodies: the start of a body name that has no place. A name opening with
# 国务院 / 国家 / 中共中央 / 中央 / 全国 / 中国 / 中华 / 最高人民 is national as well.
NATIONAL_PREFIXES = ("国务院", "国家", "中共中央", "中国共产党中央", "中央", "全国", "中国", "中华", "最高人民",
                     "共青团中央")
CENTRAL_BODIES = (
    "外交部", "国防部", "教育部", "科学技术部", "科技部", "工业和信息化部", "工信部", "公安部", "安全部", "民政部", "司法部",
    "财政部", "人力资源和社会保障部", "人力资源社会保障部", "人社部", "自然资源部", "生态环境部", "住房和城乡建设部",
    "住房城乡建设部", "住建部", "交通运输部", "水利部", "农业农村部", "商务部", "文化和旅游部", "退役军人事务部",
    "应急管理部", "卫生健康委", "审计署", "海关总署", "税务总局", "市场监管总局", "广电总局", "体育总局", "统计局",
    "国管局", "国资委", "发展改革委", "发改委", "人民银行", "人行", "证监会", "银保监会", "金融监管总局", "中科院",
    "工程院", "社科院", "气象局", "民航局", "铁路局", "邮政局", "能源局", "林草局", "乡村振兴局", "中直管理局",
    "团中央", "医保局", "知识产权局", "药监局", "外汇局", "粮食和储备局", "文物局", "中医药局", "国铁集团",
)
_LOCAL_PREFIX_RE = re.compile(r"^(?:中共)?(?P<unit>自治区|省|市|州|盟|区|县|旗)(?!委员会$|$)")
# A national body's branch in a place is one body: "国家税务总局台州市税务局", "人民银行南京分行",
# "中国银行保险监督管理委员会湖南监管局", "中国共产主义青年团福建省委员会".
_BRANCH_RE = re.compile(r"(?:分行|中心支行|支行|监管局|监管分局|税务局|分局|委员会|调查总队|派出机构)$")
_SEPARATOR_RE = re.compile(r"[\s\u3000\u3164\u1160\u115f\uffa0]+|(?<=[局厅委部院室会行办府])文件|^文件$|^[文件]$")


def _strip_party(name: str) -> str:
    for prefix in ("中国共产党", "中共"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def place_at_start(name: str) -> divisions.PlaceMention | None:
    """The place a body name starts with ("杭州市科学技术局" -> 杭州市; "中共浙江省委" ->
    浙江省), or None."""
    key = _strip_party(matching(name))
    offset = len(matching(name)) - len(key)
    mentions = divisions.find_places(key[:24])
    if not mentions or mentions[0].start != 0:
        return None
    m = mentions[0]
    for inner in mentions[1:]:  # "上海市徐汇区": the district, inside the city named before it
        outer = divisions.pick(m.candidates)
        chosen = divisions.pick(inner.candidates, [outer] if outer is not None else [])
        if inner.start != m.end or outer is None or chosen is None or not divisions.contains(outer, chosen):
            break
        m = divisions.PlaceMention(key[: inner.end], 0, inner.end, (chosen,))
    return divisions.PlaceMention(m.name, m.start + offset, m.end + offset, m.candidates)


def is_national_body(name: str) -> bool:
    """A central body: 国务院, 中共中央, 国家发展改革委, 生态环境部, 证监会 … (no place first)."""
    key = matching(name)
    if place_at_start(key) is not None:
        return False
    if key.startswith(("中国共产主义青年团", "共青团")) and not key.endswith(("中央", "中央委员会")):
        return False
    return key.startswith(NATIONAL_PREFIXES) or key.startswith(CENTRAL_BODIES) or \
        (key.endswith(("部", "总局", "署")) and _LOCAL_PREFIX_RE.match(key) is None)


def _body_start(text: str) -> bool:
    """Could a body's name start here: a place, a national body, or 省/市/区… (a body of the
    document's own place printed without it: "省住房城乡建设厅")."""
    if not text:
        return False
    key = matching(text)
    if key.startswith(("中国共产主义青年团", "共青团")):
        return True
    return place_at_start(key) is not None or key.startswith(NATIONAL_PREFIXES) or \
        key.startswith(CENTRAL_BODIES) or _LOCAL_PREFIX_RE.match(key) is not None


def _is_body(name: str) -> bool:
    key = matching(name)
    return 2 <= len(key) <= 40 and bool(_ORGAN_END_RE.search(key)) and _body_start(key)


def split_bodies(text: str) -> list[str] | None:
    """The issuing bodies a line (or several lines joined) names, in order: "温州市财政局温州
    市住房和城乡建设局" -> [温州市财政局, 温州市住房和城乡建设局]; "中国共产党中央委员会国务院" ->
    [中国共产党中央委员会, 国务院]. None when the text is not only body names. Whitespace and
    red-head words (文件) separate names."""
    parts = [p for p in _SEPARATOR_RE.split(text.strip()) if p]
    if not parts:
        return None
    bodies: list[str] = []
    for part in parts:
        found = _segment(part)
        if found is None:
            return None
        bodies.extend(found)
    return bodies or None


def _segment(part: str) -> list[str] | None:
    key = matching(part)
    if len(key) != len(part):  # matching changed the length: segment the matching text
        part = key
    out: list[str] = []
    start = 0
    while start < len(part):
        end = None
        for e in range(start + 2, len(part) + 1):
            piece = part[start:e]
            if not _ORGAN_END_RE.search(piece):
                continue
            if e == len(part) or (_body_start(part[e:]) and not (piece.endswith("团") and part[e:].startswith("中央"))):
                if _is_body(piece):
                    end = e
                    break
        if end is None:
            return None
        piece = part[start:end]
        if out and is_national_body(out[-1]) and _BRANCH_RE.search(piece) and place_at_start(piece) is not None:
            out[-1] += piece  # "国家税务总局" + "台州市税务局": one body, the national body's branch
        elif out and matching(out[-1]).endswith(("青年团", "共青团")) and place_at_start(piece) is not None:
            out[-1] += piece
        else:
            out.append(piece)
        start = end
    return out


_FEW_BODIES_RE = re.compile(r"等(?:[一二三四五六七八九十\d]{1,3}个?)?(?:部门|单位|部委|机关)?$")


def title_bodies(title: str) -> list[str]:
    """The bodies a title opens with ("国家能源局、农业农村部关于印发…" -> both; "国家发展改革委
    等部门关于…" -> [国家发展改革委]; "自治区党委办公厅人民政府办公厅印发《…》" -> both)."""
    key = matching(title)
    m = re.match(r"^(?P<bodies>.{2,160}?)(?:关于|印发|转发|发布|贯彻落实|《|(?=(?:19|20)\d{2}年))", key)
    if not m:
        return []
    head = _FEW_BODIES_RE.sub("", m.group("bodies").replace("、", " ").replace(",", " ").replace("，", " "))
    head = re.sub(r"(?<=[局厅委部院室会行办府])(?=人民政府)", " ", head)  # "…党委办公厅人民政府办公厅"
    found = split_bodies(head)
    return found or []


# --- places ------------------------------------------------------------------------------------
_PROVINCE_ABBREVIATIONS = {
    "京": "北京市", "津": "天津市", "冀": "河北省", "晋": "山西省", "蒙": "内蒙古自治区", "辽": "辽宁省", "吉": "吉林省",
    "黑": "黑龙江省", "沪": "上海市", "苏": "江苏省", "浙": "浙江省", "皖": "安徽省", "闽": "福建省", "赣": "江西省",
    "鲁": "山东省", "豫": "河南省", "鄂": "湖北省", "湘": "湖南省", "粤": "广东省", "桂": "广西壮族自治区", "琼": "海南省",
    "渝": "重庆市", "川": "四川省", "蜀": "四川省", "黔": "贵州省", "贵": "贵州省", "滇": "云南省", "云": "云南省",
    "藏": "西藏自治区", "陕": "陕西省", "秦": "陕西省", "甘": "甘肃省", "陇": "甘肃省", "青": "青海省", "宁": "宁夏回族自治区",
    "新": "新疆维吾尔自治区",
}  # 简称 of the provinces, read from a provincial document's number (苏建办〔2021〕66号)
_SELF_RE = {
    "国家": re.compile(r"我国|全国各地|各省、自治区、直辖市|各省（自治区、直辖市）|各省\(自治区、直辖市\)|国务院各部委|"
                     r"各地区各部门|国家有关部门"),
    "省": re.compile(r"我省|(?<![健安完])全省|省委|省政府|省人民政府|各设区市|各市（州）|各市\(州\)|各省辖市"),
    "市": re.compile(r"我市|(?<![健安完])全市(?!场)|市委|市政府|市人民政府|各县（市、区）|各县\(市、区\)|各区县|各县区|"
                    r"各区、县"),
    "县": re.compile(r"我县|(?<![健安完])全县|县委|县政府|我区|(?<![健安完])全区|区委|区政府|各镇|各乡镇|各街道"),
}
# Said by a national document too, but by a local one only with its own words above: the level
# when the text has none of those.
_NATIONAL_WEAK_RE = re.compile(r"(?<![健安完])全国|各地区|各地(?![区方])")


@dataclass(frozen=True)
class PlaceReading:
    level: str = ""  # "国家" | "省" | "市" | "县" | ""
    division: divisions.Division | None = None
    line: str = ""  # where it was read


def _body_place(body: str, context: Sequence[divisions.Division] = ()) -> PlaceReading:
    """The level and place a body's name says: "河南省人民政府" -> 省 河南省; "国务院" -> 国家;
    "市科技局" -> 市 (place unknown); "" when it says neither."""
    mention = place_at_start(body)
    if mention is not None:
        division = divisions.pick(mention.candidates, context)
        if division is not None:
            return PlaceReading(divisions.doc_level(division), division, body)
    if is_national_body(body):
        return PlaceReading("国家", None, body)
    local = _LOCAL_PREFIX_RE.match(matching(body))
    if local:
        unit = local.group("unit")
        level = "省" if unit in ("省", "自治区") else "市" if unit in ("市", "州", "盟") else "县"
        return PlaceReading(level, None, body)
    return PlaceReading()


def _mentioned(texts: Sequence[str]) -> list[divisions.Division]:
    """Places named in `texts`, each mention resolved (a repeated county name by the other
    places named)."""
    return [d for d, _ in _mentions_weighted(texts)]


_BODY_AFTER_RE = re.compile(r"^[\u4e00-\u9fff]{0,14}?(?:人民政府|政府|厅|局|委员会|委)")


def _mentions_weighted(texts: Sequence[str]) -> list[tuple[divisions.Division, int]]:
    """Places named in `texts` with a weight: 3 when the name opens a body's name
    ("山西省生态环境厅"), else 1."""
    found: list[tuple[divisions.PlaceMention, int]] = []
    for text in texts:
        key = matching(text)
        for m in divisions.find_places(key):
            found.append((m, 3 if _BODY_AFTER_RE.match(key[m.end:m.end + 16]) else 1))
    plain = [m.candidates[0] for m, _ in found if len(m.candidates) == 1]
    return [(d, w) for m, w in found if (d := divisions.pick(m.candidates, plain)) is not None]


def _place_in(level: str, texts: Sequence[str]) -> divisions.Division | None:
    """The place of `level` the texts name most (a county's or a prefecture's mention counts for
    its province when the level is 省); ties go to the first named."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for pos, (d, named_body) in enumerate(_mentions_weighted(texts)):
        target: divisions.Division | None = d
        if level == "省":
            target = divisions.province_of(d)
        elif level == "市":
            target = d if d.level == "prefecture" or d.is_municipality else divisions.prefecture_of(d)
            if target is not None and target.level == "province" and not target.is_municipality:
                target = None
        elif level == "县":
            target = d if d.level == "county" else None
        if target is None:
            continue
        weight = (3 if d.code == target.code else 1) * named_body
        counts[target.code] += weight
        first.setdefault(target.code, pos)
    if not counts:
        return None
    best = max(counts, key=lambda c: (counts[c], -first[c]))
    return divisions.get(best)


def read_place(bodies: Sequence[str], title: str, texts: Sequence[str], doc_number: str = "",
               body_line: str = "", title_line: str = "") -> PlaceReading:
    """The level and place of a document: from its issuing bodies (the first that says a level;
    a place from any of them), else the place its title names, else the text (我省 / 全市 …,
    the place it names most). `body_line` and `title_line` are the display lines the bodies and
    the title were read from (the source line of what they say)."""
    readings = [_body_place(b) for b in bodies]
    context = [r.division for r in readings if r.division is not None]
    readings = [replace(_body_place(b, context), line=body_line or b) for b in bodies]
    first = next((r for r in readings if r.level), None)
    if first is not None:
        if first.level == "国家":
            return first
        if first.division is not None:
            return first
        # a body without its place ("省生态环境厅"): the place from another body, the title,
        # the text, the document number
        level = first.level
        division = next((r.division for r in readings if r.division is not None and _fits(level, r.division)), None)
        division = division or _place_in(level, [title]) or _place_in(level, texts[:HEAD_PARAGRAPHS])
        division = division or _place_in(level, texts[:MAX_PLACE_PARAGRAPHS])
        if division is None and level == "省" and doc_number[:1] in _PROVINCE_ABBREVIATIONS:
            division = divisions.resolve_one(_PROVINCE_ABBREVIATIONS[doc_number[:1]])
        if division is not None:
            if level == "省" and division.level != "province":
                division = divisions.province_of(division)
            return PlaceReading(divisions.doc_level(division), division, first.line)
        return PlaceReading(level, None, first.line)
    mentions = _mentioned([title]) if title else []
    if mentions:
        return PlaceReading(divisions.doc_level(mentions[0]), mentions[0], title_line or title)
    return _text_place(texts)


def _fits(level: str, division: divisions.Division) -> bool:
    if level == "省":
        return True
    if level == "市":
        return division.level in ("prefecture", "county") or division.is_municipality
    return division.level == "county"


def _text_place(texts: Sequence[str]) -> PlaceReading:
    """The level the text speaks at (我国 / 我省 / 全市 …) and the place it names most."""
    sample = [matching(t) for t in texts[:MAX_PLACE_PARAGRAPHS]]
    counts = {level: sum(len(pattern.findall(t)) for t in sample) for level, pattern in _SELF_RE.items()}
    level, hits = max(counts.items(), key=lambda kv: kv[1])
    if hits == 0:
        line = next((t for t, m in zip(texts, sample) if _NATIONAL_WEAK_RE.search(m)), "")
        return PlaceReading("国家", None, line) if line else PlaceReading()
    line = next((t for t, m in zip(texts, sample) if _SELF_RE[level].search(m)), "")
    if level == "国家":
        return PlaceReading("国家", None, line)
    division = _place_in(level, texts[:MAX_PLACE_PARAGRAPHS])
    if level == "县" and division is None:  # 全区 of an autonomous region
        region = _place_in("省", texts[:MAX_PLACE_PARAGRAPHS])
        if region is not None and region.name.endswith("自治区"):
            return PlaceReading("省", region, line)
    if division is None:
        return PlaceReading(level, None, line)
    return PlaceReading(divisions.doc_level(division), division, line)


def _complete_body(body: str, place: PlaceReading) -> str:
    """A body printed without its place gets the document's: "省住房城乡建设厅" -> "江苏省住房城乡建设厅"."""
    if place.division is None:
        return body
    local = _LOCAL_PREFIX_RE.match(matching(body))
    if not local or place_at_start(body) is not None:
        return body
    unit = local.group("unit")
    division = place.division
    if unit in ("省", "自治区"):
        target = divisions.province_of(division)
        if not target.name.endswith(unit) and not (unit == "省" and target.is_municipality):
            return body
    elif unit in ("市", "州", "盟"):
        target = division
        if target.level == "county" or not target.name.endswith(unit):
            return body
    else:
        target = division
        if target.level != "county" or not target.name.endswith(unit):
            return body
    prefix = "中共" if matching(body).startswith("中共") else ""
    rest = _strip_party(body)[len(unit):]
    return f"{prefix}{target.name}{rest}"


# --- signatures --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Signature:
    """A 落款: the issuing bodies above a date (bodies may be missing), or a printing line."""

    date: str  # ISO
    bodies: tuple[str, ...]
    index: int  # the date line (index into the texts searched)
    date_line: str
    body_line: str  # the first line naming a body ("" when none)
    printed: bool  # "…印发": the office printing the document, not its signature


def _signature_date(text: str, next_text: str = "") -> tuple[str, str, bool] | None:
    """(ISO date, the words before it, printed) of a signature line, or None."""
    key = matching(text).strip()
    m = _SIGNATURE_RE.match(key) or _BRACKET_DATE_RE.match(key)
    if m:
        iso = parse_date(m.group("date"))
        if iso:
            before = m.groupdict().get("bodies") or ""
            return iso, before.strip(), bool(m.group("printed"))
    m2 = _YMD_LINE_RE.match(compact(key))
    d = _SPLIT_DATE_RE.match(matching(next_text).strip()) if next_text else None
    if m2 and d:
        iso = _iso(int(d.group("y")), int(d.group("m")), int(d.group("d")))
        if iso:
            return iso, m2.group("bodies"), bool(m2.group("printed"))
    return None


def _signature_piece(text: str) -> bool:
    key = matching(text).strip()
    if not key or re.search(r"[，。；：:,;！？!?]", key) or key.startswith("附件"):
        return False
    return len(key) <= 90 or (len(key) <= 400 and split_bodies(key) is not None)


# A telephone number the conversion glued before a 落款's first body ("…服务中心:5220566包头市住房和
# 城乡建设局": the contact line above the signature).
_CONTACT_NUMBER_RE = re.compile(r"^[\d\s\-－—]*\d{5,}[\d\s\-－—]*")


def _trailing_bodies(text: str) -> str:
    """The bodies a line that is no signature line ends with, after a closing bracket or a
    colon ("附件：…实施方案（2022-2030年）科技部": the conversion joined the first signature line
    to the line above; "联系人:…服务中心:5220566包头市住房和城乡建设局": a contact line ending in a
    telephone number); "" when none."""
    key = matching(text).strip()
    cut = max(key.rfind(c) for c in "）)》」”：:。；")
    tail = _CONTACT_NUMBER_RE.sub("", key[cut + 1:]) if cut >= 0 else ""
    return tail if tail and split_bodies(tail) is not None else ""


def signatures(texts: Sequence[str]) -> list[Signature]:
    """Every 落款 in `texts`, in order: a date line (maybe with bodies before the date, or
    "…年月日" with the digits on the next line) and the body lines right above it."""
    found: list[Signature] = []
    for k, text in enumerate(texts):
        parsed = _signature_date(text, texts[k + 1] if k + 1 < len(texts) else "")
        if parsed is None:
            continue
        iso, before, printed = parsed
        index = k + 1 if _YMD_LINE_RE.match(compact(matching(text))) else k
        own = split_bodies(before) if before else []
        if before and own is None:
            continue  # words before the date that are no body: a sentence, not a signature
        lines: list[str] = []
        j = k - 1
        while j >= 0 and len(lines) < MAX_SIGNATURE_LINES and _signature_piece(texts[j]):
            if re.fullmatch(r"[(（].*代章[)）]", matching(texts[j]).strip()):
                j -= 1
                continue
            lines.insert(0, texts[j])
            j -= 1
        if j >= 0 and (tail := _trailing_bodies(texts[j])):
            lines.insert(0, tail)
        above: list[str] = []
        first_line = ""
        for start in range(len(lines)):
            found_bodies = split_bodies("".join(lines[start:]))
            if found_bodies:
                above, first_line = found_bodies, lines[start]
                break
        if not above and lines and _ISSUER_RE.search(matching(compact(lines[-1]))) and len(compact(lines[-1])) <= 40:
            above, first_line = [compact(lines[-1])], lines[-1]  # a body of a place not on the map ("某市人民政府")
        bodies = tuple(above) + tuple(own or [])
        body_line = first_line or (text if own else "")
        found.append(Signature(iso, bodies, index, texts[index] if index != k else text, body_line, printed))
    return found


def _red_head(texts: Sequence[str], start: int) -> tuple[list[str], str]:
    """Body lines printed around a title: a red-head ("江苏省科学技术厅" / "文件" / "江苏省财政厅")
    above it or the bodies listed under it; ([], "") when none."""
    lines: list[str] = []
    j = start - 1
    while j >= 0 and len(lines) < 12 and _signature_piece(texts[j]) and not _DOC_NUMBER_RE.search(matching(texts[j])):
        lines.insert(0, texts[j])
        j -= 1
    for first in range(len(lines)):
        bodies = split_bodies(" ".join(lines[first:]))
        if bodies:
            return bodies, lines[first]
    return [], ""


_DECREE_LINE_RE = re.compile(r"^(?P<body>[^，。；：:,;（）()]{2,40}?)令$")
_DECREE_RE = re.compile(rf"^[(（]?\s*(?P<date>{_INLINE_DATE})?\s*(?P<body>[\u4e00-\u9fff]{{2,30}}?)令\s*[(（]?第?\s*\d{{1,4}}\s*号"
                        r"[)）]?\s*(?:公布|发布)")
_PUBLISHED_LINE_RE = re.compile(r"^(?P<body>[^，。；：:,;（）()]{2,40}?)(?:发布|印发)$")  # a standard's "X发布"
_OWN_MEETING_RE = re.compile(r"经(?P<body>[\u4e00-\u9fff]{2,30}?)(?:(?:19|20)\d{2}年)?第[一二三四五六七八九十\d]{1,4}次"
                             r"(?:局务会|厅务会|委务会|局长办公会|厅长办公会|主任办公会|委主任办公会|党组会)")


def _decree(texts: Sequence[str]) -> tuple[list[str], str, str]:
    """A decree's issuer (and date): "中华人民共和国国家发展和改革委员会令" over "（第50号）", or
    "（2021年12月11日生态环境部令第24号公布…）"; ([], "", "") when none."""
    for text in texts:
        key = matching(text).strip()
        m = _DECREE_LINE_RE.match(key)
        if m and (bodies := split_bodies(m.group("body"))):
            return bodies, text, ""
        m = _DECREE_RE.search(key)
        if m and (bodies := split_bodies(m.group("body"))):
            return bodies, text, parse_date(m.group("date") or "")
        m = _PUBLISHED_LINE_RE.match(key)
        if m and (bodies := split_bodies(m.group("body"))):
            return bodies, text, ""
    return [], "", ""


_INTERPRETER_RE = re.compile(rf"本(?:{'|'.join(SELF_KINDS)})由(?P<body>[^，。；,;]{{2,120}}?)"
                             r"(?:共同|联合)?负责解释")


def _interpreter(texts: Sequence[str]) -> tuple[list[str], str]:
    """The bodies a 办法 says interpret it ("本办法由财政部、生态环境部…负责解释"): its issuers,
    when nothing else names them; ([], "") when none."""
    for i in range(len(texts) - 1, -1, -1):
        text = texts[i]
        m = _INTERPRETER_RE.search(matching(text) + (matching(texts[i + 1]) if i + 1 < len(texts) else ""))
        if m and m.start() < len(matching(text)):
            names = re.sub(r"[、,，和及与]", " ", m.group("body"))
            bodies = split_bodies(names)
            if bodies:
                return bodies, text
    return [], ""


_MAKER_RE = re.compile(r"(?:^|[，。；,;])(?P<body>[\u4e00-\u9fff]{2,40}?)(?:制定|制订|印发|出台)了?《")


def _maker(texts: Sequence[str]) -> tuple[list[str], str]:
    """The body a text says made the document when no title is printed ("…，山东省生态环境厅
    制定《…实施方案》（以下简称《方案》）": a report of it); ([], "") when none."""
    for text in texts:
        for m in _MAKER_RE.finditer(matching(text)):
            bodies = split_bodies(m.group("body"))
            if bodies:
                return bodies, text
    return [], ""


def _own_meeting(texts: Sequence[str]) -> tuple[list[str], str]:
    """The body whose own meeting approved the document ("已经市生态环境局2022年第1次局务会审议
    通过": the bureau issues it); ([], "") when none."""
    for text in texts:
        window = matching(text)
        m = _OWN_MEETING_RE.search(window)
        if m and (bodies := split_bodies(m.group("body"))) and len(bodies) == 1:
            return bodies, text
    return [], ""


_OPENING_RE = re.compile(r"为(?:深入|认真|贯彻|全面|进一步|加快|推动|落实|切实|加强|规范)|根据|按照")


# A cover's date: a month, no day ("2021年9月", "二〇二二年三月"), printed under a plan's title and
# its compiling body. It ends the body lines, and is the document's date (month precision,
# "2021-09") when the text states no day (`cover_month`).
_COVER_MONTH_RE = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月|(?P<cy>[〇零○一二三四五六七八九]{4})\s*年\s*"
                             r"(?P<cm>[一二三四五六七八九十]{1,3})\s*月)$")
# Lines under a title that a cover's month is looked for in (the compiling bodies above it).
COVER_LINES = 6


def parse_month(text: str) -> str:
    """ISO month ("2022-05") of a text ending with a month and no day ("…2022年5月",
    "二〇二二年三月"); "" otherwise."""
    m = _COVER_MONTH_RE.search(compact(matching(text)))
    if m is None:
        return ""
    if m.group("y"):
        y, mo = int(m.group("y")), int(m.group("m"))
    else:
        y, mo = int("".join(str(_CN_DIGIT[c]) for c in m.group("cy"))), _cn_number(m.group("cm"))
    return f"{y:04d}-{mo:02d}" if 1 <= mo <= 12 else ""


def date_precision(value: str) -> str:
    """"day" for an ISO date ("2022-05-31"), "month" for an ISO month ("2022-05"), "" otherwise."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    return "month" if re.fullmatch(r"\d{4}-\d{2}", value) else ""


def cover_month(texts: Sequence[str], end: int) -> tuple[str, str] | None:
    """(ISO month, its line) of a cover's month printed under a title that ends at `end`:
    only compiling-body lines between ("湖南省发展和改革委员会湖南省能源局" / "2022年5月"), the
    month on a line of its own or ending the last body line ("内江市生态环境局二〇二二年三月")."""
    for j in range(end, min(end + COVER_LINES, len(texts))):
        if not _signature_piece(texts[j]):
            return None
        key = compact(matching(texts[j]))
        m = _COVER_MONTH_RE.search(key)
        if m is not None and (m.start() == 0 or split_bodies(key[: m.start()]) is not None):
            month = parse_month(key)
            return (month, texts[j]) if month else None
        if split_bodies(key) is None:
            return None
    return None


def _under_title(texts: Sequence[str], end: int) -> tuple[list[str], str]:
    """Bodies listed on the lines right under a title (a joint document's issuers, a plan's
    cover: "内江市生态环境局二〇二二年三月", the body and the cover's month on one line)."""
    lines: list[str] = []  # the lines as printed
    names: list[str] = []  # their body names
    j = end
    while j < len(texts) and len(lines) < 12:
        if _signature_piece(texts[j]) and split_bodies(texts[j]) is not None:
            lines.append(texts[j])
            names.append(texts[j])
            j += 1
            continue
        key = matching(texts[j]).strip()
        # the last body line glued to the opening sentence: "…南京海关为深入贯彻…"
        opening = _OPENING_RE.search(key)
        cover = _COVER_MONTH_RE.search(key) if _signature_piece(texts[j]) else None
        if opening and opening.start() > 0 and split_bodies(key[: opening.start()]) is not None:
            lines.append(key[: opening.start()])
            names.append(key[: opening.start()])
        elif cover and cover.start() > 0 and split_bodies(key[: cover.start()]) is not None:
            lines.append(texts[j])
            names.append(key[: cover.start()])
        break
    bodies = split_bodies("".join(names)) if names else None
    return (bodies or [], lines[0] if lines else "")


# --- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReadMetadata:
    """What the text states; "" / () where it states nothing."""

    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    date: str = ""
    implements: tuple[DocRef, ...] = ()
    meeting: str = ""
    doc_type: str = ""
    level: str = ""
    province: str = ""
    city: str = ""
    prefecture: str = ""
    sources: tuple[MetaSource, ...] = ()


def read_metadata(texts: Sequence[str], is_lead: Sequence[bool] | None = None) -> ReadMetadata:
    """Metadata stated in the display paragraphs `texts` (leads, when marked, are skipped)."""
    from corpus.structure import find_title, title_text

    lead = list(is_lead) if is_lead is not None else [False] * len(texts)
    own = [t for i, t in enumerate(texts) if not lead[i]]
    head = own[:HEAD_PARAGRAPHS]
    sources: list[MetaSource] = []
    found: dict[str, str] = {}

    def keep(name: str, value: str, line: str) -> None:
        if value and name not in found:
            found[name] = value
            sources.append(MetaSource(field=name, value=value, line=line))

    reading = find_title(own)
    title_line = own[reading.line] if reading.line >= 0 else ""
    header: dict[str, tuple[str, str]] = {}  # header lines "文号：…", "成文日期：…", "发文机关：…"
    for text in head:
        m = _HEADER_RE.match(matching(text))
        if not m:
            continue
        key, value = m.group("key"), _display_tail(text, m.start("value"))
        if key in _NUMBER_KEYS and _DOC_NUMBER_RE.search(matching(value)):
            header.setdefault("doc_number", (_display_match(value, _DOC_NUMBER_RE), text))
        elif key in _DATE_KEYS and (iso := _header_date(value)):
            header.setdefault("date", (iso, text))
        elif key in _ISSUER_KEYS:
            header.setdefault("issuer", (value.strip(), text))
    if "doc_number" in header:
        keep("doc_number", *header["doc_number"])
    for text in head:
        key = compact(matching(text))
        if _NUMBER_LINE_RE.match(key):
            keep("doc_number", compact(text), text)
            break
        bracketed = _BRACKETED_NUMBER_LINE_RE.match(key)
        if bracketed:
            keep("doc_number", _display_match(text, _DOC_NUMBER_RE), text)
            break
    title_lines = [own[i] for block in (reading.notice, reading.block) if block is not None
                   for i in range(block.start, block.end)]
    for text in title_lines:  # a title line carrying its number: "…的通知（国科发社〔2022〕157号）"
        tail = text[len(title_text(text)):] if text.startswith(title_text(text)) else ""
        if tail and _DOC_NUMBER_RE.search(matching(tail)):
            keep("doc_number", _display_match(tail, _DOC_NUMBER_RE), text)
            break
    title_key = compact(matching(reading.title))
    for text in head:  # the title printed again with its number: "…的指导意见（工信部联原〔2022〕6号）"
        key = compact(matching(text))
        if title_key and key.startswith(title_key) and _BRACKETED_NUMBER_LINE_RE.match(key[len(title_key):]):
            keep("doc_number", _display_match(text, _DOC_NUMBER_RE), text)
            break

    # the issuing bodies: 落款, red-head / under the title, the title, a header line, a printer
    signed = signatures(own)
    signature = next((s for s in signed if s.bodies and not s.printed), None)
    bodies: list[str] = []
    body_line = ""
    if signature is not None:
        bodies, body_line = list(signature.bodies), signature.body_line
    if not bodies and reading.block is not None:
        top = reading.notice or reading.block
        bodies, body_line = _red_head(own, top.start)
        if not bodies:
            bodies, body_line = _under_title(own, reading.block.end)
    if not bodies:
        for block in (reading.notice, reading.block):
            if block is not None and (named := title_bodies(block.text)):
                bodies, body_line = named, own[block.start]
                break
    decree_date = ""
    if not bodies:
        bodies, body_line, decree_date = _decree(head)
    if not bodies and "issuer" in header:
        header_bodies = split_bodies(header["issuer"][0])
        if header_bodies:
            bodies, body_line = header_bodies, header["issuer"][1]
    printer = next((s for s in signed if s.bodies and s.printed), None)
    if not bodies and printer is not None:
        bodies, body_line = list(printer.bodies), printer.body_line or printer.date_line
    if not bodies:
        bodies, body_line = _interpreter(own)
    if not bodies:
        bodies, body_line = _own_meeting(head)
    if not bodies and reading.block is None:
        bodies, body_line = _maker(head)

    title = reading.title
    number = found.get("doc_number", "")
    place = read_place(bodies, title, own, number, body_line, title_line)
    bodies = list(dict.fromkeys(_complete_body(b, place) for b in bodies))
    if reading.title:
        keep("title", reading.title, title_line)
    if bodies:
        keep("issuer", "、".join(bodies), body_line)
    elif "issuer" in header:  # a header naming something that is no body list: as written
        keep("issuer", *header["issuer"])

    # the date: 落款, a lone date line, a printing date, a header or bracketed date
    if signature is not None:
        keep("date", signature.date, signature.date_line)
    lone = next((s for s in signed if not s.bodies and not s.printed and _lone_date(s.date_line)), None)
    if lone is not None:
        keep("date", lone.date, lone.date_line)
    if printer is not None or any(s.printed for s in signed):
        printed = printer or next(s for s in signed if s.printed)
        keep("date", printed.date, printed.date_line)
    if decree_date:
        keep("date", decree_date, body_line)
    if "date" in header:
        keep("date", *header["date"])
    if "date" not in found and (dateline := _dateline([*head, *own[-DATELINE_TAIL:]])):
        keep("date", *dateline)
    if "date" not in found and reading.block is not None and (month := cover_month(own, reading.block.end)):
        keep("date", *month)  # the cover's month: the only date the text states

    kind = doc_kind(title)
    if reading.notice is not None and not reading.notice.is_covering:
        kind = doc_kind(reading.notice.text) or kind
    if kind:
        keep("doc_type", kind, title_line)
    if place.level:
        described = divisions.describe(place.division) if place.division is not None else {}
        keep("level", place.level, place.line)
        if place.level == "国家":
            keep("city", NATIONAL, place.line)
        elif described:
            keep("province", described["province"], place.line)
            keep("city", described["city"], place.line)
            keep("prefecture", described["prefecture"], place.line)

    refs, ref_line = _implemented([(i, t) for i, t in enumerate(own)])
    for ref in refs:
        sources.append(MetaSource(field="implements", value=ref.number or ref.title, line=ref_line))
    for text in head:
        m = _MEETING_RE.search(matching(text))
        if m:
            meeting = _display_span(text, m.start("meeting"), m.end("meeting"))
            sentence = next((s for s in _sentences(text) if meeting in s), text)
            keep("meeting", meeting, sentence)
            break
    return ReadMetadata(title=found.get("title", ""), issuer=found.get("issuer", ""),
                        doc_number=found.get("doc_number", ""), date=found.get("date", ""),
                        implements=tuple(refs), meeting=found.get("meeting", ""),
                        doc_type=found.get("doc_type", ""), level=found.get("level", ""),
                        province=found.get("province", ""), city=found.get("city", ""),
                        prefecture=found.get("prefecture", ""), sources=tuple(sources))


def _dateline(texts: Sequence[str]) -> tuple[str, str] | None:
    """(ISO date, the dateline as printed) of the first news dateline in `texts`
    ("（新华社北京2021年10月21日电）": the day the news agency published the document), or None."""
    for text in texts:
        for m in _DATELINE_RE.finditer(matching(text)):
            iso = parse_date(m.group("date"))
            if iso:
                return iso, _display_span(text, m.start(), m.end()).strip()
    return None


def date_as_written(line: str) -> tuple[str, bool]:
    """(the date as `line` writes it, whether the line is a news dateline): "2022年12月23日" out of
    a 落款 or header line, ("2021年10月21日", True) out of "（新华社北京2021年10月21日电）"; the
    line itself when it holds no full date."""
    key = matching(line)
    m = re.search(_INLINE_DATE, key)
    if m is None and (month := _COVER_MONTH_RE.search(key.rstrip())):
        return _display_span(line, month.start(), month.end()).strip(), False  # a cover's month
    if m is None:
        return compact(line).split("：")[-1].split(":")[-1], False
    return _display_span(line, m.start(), m.end()).strip(), _DATELINE_RE.search(key) is not None


def _lone_date(line: str) -> bool:
    """A line that is only a date (maybe with a remark in brackets)."""
    key = matching(line).strip()
    m = _SIGNATURE_RE.match(key)
    return (m is not None and not m.group("bodies")) or _BRACKET_DATE_RE.match(key) is not None


def _header_date(value: str) -> str:
    """The date opening a header value ("2022-01-26 21:15", "2021.09.22")."""
    iso = parse_date(value)
    if iso:
        return iso
    m = _HEAD_DATE_RE.match(matching(value).strip())
    return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d"))) if m else ""


def _implemented(own: Sequence[tuple[int, str]]) -> tuple[list[DocRef], str]:
    """The documents the plan's opening statement cites with an implementing verb, and the
    sentence citing them (display). The opening statement is the first paragraph that says
    it makes this plan (制定本方案 / 结合…实际)."""
    for _, text in own[:HEAD_PARAGRAPHS]:
        match = matching(text)
        if not _OPENING_END.search(match) or "《" not in match:
            continue
        refs: list[DocRef] = []
        lines: list[str] = []
        for sentence in _sentences(text):
            m_sentence = matching(sentence)
            for m in _REF_RE.finditer(m_sentence):
                before = m_sentence[max(0, m.start() - 40) : m.start()]
                if not _IMPLEMENT_VERBS.search(before) and not refs:
                    continue
                title = _display_span(sentence, m.start("title"), m.end("title"))
                number = compact(_display_span(sentence, m.start("number"), m.end("number"))) if m.group("number") else ""
                refs.append(DocRef(title=compact(title), number=number))
                if sentence not in lines:
                    lines.append(sentence)
        if refs:
            return refs, lines[0]
    return [], ""


def _sentences(text: str) -> list[str]:
    return list(split_sentences(text)) or [text]


def _display_span(text: str, start: int, end: int) -> str:
    """The display text behind the matching span [start, end) of `text`."""
    return align(text).display(start, end)


def _display_tail(text: str, start: int) -> str:
    aligned = align(text)
    return text[aligned.display_span(start, start + 1)[0]:] if start < len(aligned.text) else ""


def _display_match(text: str, pattern: re.Pattern[str]) -> str:
    m = pattern.search(matching(text))
    return compact(_display_span(text, m.start(), m.end())) if m else ""


def parse_date(text: str) -> str:
    """ISO date of a line that is only a date ("2022年12月23日", "2022-12-23",
    "二〇二二年十二月二十三日"); "" otherwise (or when it is not a valid date)."""
    key = compact(matching(text))
    m = _DATE_RE.match(key)
    if m:
        return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    m = _CN_DATE_RE.match(key)
    if not m:
        return ""
    y = int("".join(str(_CN_DIGIT[c]) for c in m.group("y")))
    return _iso(y, _cn_number(m.group("m")), _cn_number(m.group("d")))


def _iso(y: int, mo: int, d: int) -> str:
    import datetime as dt

    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return ""


def _cn_number(text: str) -> int:
    """一..三十一 as an int."""
    if "十" not in text:
        return _CN_DIGIT[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def merge(meta: DocumentMeta, read: ReadMetadata) -> DocumentMeta:
    """`meta` with its empty fields filled from what the text states; the sources of the
    fields given (in the manifest, on `add`) are dropped: they were not read from a line.

    The place fields (level, province, city, prefecture) go together: when the city is given
    and the text names another place, the given city's own level and prefecture are filled
    (corpus.divisions), not the text's."""
    given = {name for name in ALL_FIELDS if getattr(meta, name)}
    updates: dict[str, object] = {name: getattr(read, name) for name in FIELDS + ("doc_type",)
                                  if name not in given and getattr(read, name)}
    place = _place_updates(meta, read)
    updates.update({k: v for k, v in place.items() if k not in given and v})
    place_read = bool(place) and place.get("city") == read.city
    kept = tuple(s for s in read.sources
                 if (s.field not in given or _same(meta, s)) and (s.field not in PLACE_FIELDS or place_read))
    merged = {s for s in meta.sources}
    sources = tuple(meta.sources) + tuple(s for s in kept if s not in merged)
    return replace(meta, sources=sources, **updates)  # type: ignore[arg-type]


def _place_updates(meta: DocumentMeta, read: ReadMetadata) -> dict[str, str]:
    """The place fields to fill: the text's when no city is given or it names the given city;
    else those of the given city itself (its level and prefecture), when it is a known place."""
    text_place = {"level": read.level, "province": read.province, "city": read.city, "prefecture": read.prefecture}
    if not meta.city or (read.city and same_city(meta.city, read.city)):
        if meta.province and read.province and not same_city(meta.province, read.province):
            return {}
        return {k: v for k, v in text_place.items() if v}
    if meta.city == NATIONAL:
        return {"level": "国家"}
    province = divisions.resolve_one(meta.province) if meta.province else None
    division = divisions.resolve_one(meta.city, province)
    if division is None:
        return {}
    return {k: v for k, v in divisions.describe(division).items() if k != "city"}


def _same(meta: DocumentMeta, source: MetaSource) -> bool:
    """A given value that the text states too keeps its line (it can still be cited)."""
    value = getattr(meta, source.field)
    key = compact(matching(source.value))
    if source.field == "implements":
        return any(key in (compact(matching(r.number)), compact(matching(r.title))) for r in value)
    return compact(matching(str(value))) == key
