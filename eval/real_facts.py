"""How well a real document's facts are read from its text (corpus.metadata.read_metadata),
against the hand-made record eval/real/metadata.tsv of the 160 policy PDFs in eval/real/pdfs.

Every PDF is read the way an upload is (corpus.readers.read_plan_bytes -> corpus.chunker.
paragraphs -> corpus.structure.annotate for the news leads -> read_metadata) and each field is
compared with the record by `agree(field, read_value, record_value)`:

- title: matching text (corpus.text.matching: NFKC, Simplified script) without punctuation,
  quotes, book-title marks, spaces and the particle 的; the issuing bodies or the place a title
  opens with are left out ("国家发展改革委等部门关于…的通知", "江苏省关于…"), so is what comes
  before 关于. Agreement when one contains the other (the record sometimes lists two documents,
  "《A》《B》", or adds a version "（2022）"), the shorter being at least 6 characters.
- issuer: both sides split into bodies (read: "、"; record: ","), each body normalised
  (corpus.issuers.normalize_body, the issuer filter's normaliser too): its place
  resolved to the division's full name (corpus.divisions: 宁夏自治区 -> 宁夏回族自治区), short forms
  of body names expanded by a general abbreviation table (ABBREVIATIONS: 发改委 = 发展改革委 =
  发展和改革委员会, 住建 = 住房城乡建设 = 住房和城乡建设, 科技厅 = 科学技术厅, 市场监管 = 市场监督管理,
  人行 = 中国人民银行, 证监会 = 中国证券监督管理委员会 …; national bodies without 国家/中国 get it:
  发展改革委 = 国家发展和改革委员会), a party committee written any way (中共X委 / X委 / X党委 /
  中共X委员会) as X党委, 人大(含常委会) as 人民代表大会常务委员会, and a general office
  (办公厅 / 办公室) as the body it serves (the record names 河南省人民政府 for a document of
  河南省人民政府办公厅). Agreement when the two SETS of bodies are equal. A read list that names
  only the record's first body is NOT agreement (it is counted apart, as "lead only").
- date: ISO equality (the record's "2021.09.22" is 2021-09-22).
- doc_type: the read kind's class (corpus.metadata.kind_class: 方案/计划/要点/措施/安排/清单/思路/
  指南/指引 -> 行动工作方案; 规划/纲要 -> 规划; 通知/公告/通告/函/批复/名单 -> 通知公告; 意见/决定 ->
  意见决定; 办法/条例/规定/细则/导则/方法 -> 办法条例) equals the record's class.
- level: the record's level is derived: no province -> 国家; a province and no city -> 省; else
  市 or 县 by the division the city names (a prefecture -> 市, a county-level unit -> 县).
- province: the same division (names resolved: 宁夏 = 宁夏回族自治区); a record naming two
  provinces ("重庆市、四川省", a joint document) agrees with either; "" = "" for national.
- city: the record's city, or its province for a provincial document, or 全国 for a national one,
  against DocumentMeta.city as read: the same division (陇南 = 陇南市).

RECORD_ERRORS lists the disagreements judged to be errors of the record (checked against the
document, with the reason); they are reported apart and NOT counted as agreement.

`make bench-real` (eval.real_bench) reads every PDF as `add` does and scores the facts read
with `score`; the figures are in eval/results/real-docs.json and the README.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.issuers import PUNCT_RE as _PUNCT_RE, body_set, normalize_body  # noqa: F401 (re-exported)

REPO = Path(__file__).resolve().parent.parent
RECORD = REPO / "eval" / "real" / "metadata.tsv"
COMPARED = ("title", "issuer", "date", "doc_type", "level", "province", "city")
TARGET = 0.90

# Disagreements that are errors of the record, checked against the document: file -> field -> why.
_PUBLISHED = "the 落款 is dated {}; the record's later date is not stated in the document (a publication date)"
RECORD_ERRORS: dict[str, dict[str, str]] = {
    "17.pdf": {"issuer": "title and 落款 name 工业和信息化部、国家发展和改革委员会、生态环境部; the record adds 3 bodies"},
    "23.pdf": {"issuer": "title and 落款 name 国务院关税税则委员会; 关税司 is not in the document"},
    "49.pdf": {"issuer": "title and 落款 name 财政部、住房和城乡建设部; the record adds 司法部"},
    "65.pdf": {"issuer": "the notice (沪府发〔2021〕19号) and its 落款 are 上海市人民政府's"},
    "69.pdf": {"date": _PUBLISHED.format("2021年4月29日")},
    "73.pdf": {"title": "the document's title says 2021-2023年度 (the record drops 度)",
               "date": _PUBLISHED.format("2021年10月27日")},
    "117.pdf": {"level": "the document is 繁昌区's (繁政办〔2022〕3号), a district of 芜湖市; the record files it "
                         "under the city",
                "city": "the document is 繁昌区's (繁政办〔2022〕3号), a district of 芜湖市"},
    "131.pdf": {"date": _PUBLISHED.format("2021年4月2日")},
    "153.pdf": {"date": _PUBLISHED.format("2021年9月9日")},
    "159.pdf": {f: "the PDF is the 国务院办公厅's 关于加强草原保护修复的若干意见 (2021年3月12日), a national "
                   "document, not 宁夏's" for f in ("title", "issuer", "date", "level", "province", "city")},
    "197.pdf": {"city": "the document is 临沂市's (临沂市推进绿色低碳县城建设实施方案); 临汾市 is in 山西"},
    "203.pdf": {"date": _PUBLISHED.format("2022年1月27日")},
    "305.pdf": {"issuer": "the record splits 国家税务总局台州市税务局 (one body) in two",
                "date": _PUBLISHED.format("2022年7月5日")},
    "309.pdf": {"date": _PUBLISHED.format("2022年6月28日")},
    "319.pdf": {"date": _PUBLISHED.format("2022年5月26日")},
    "341.pdf": {"date": _PUBLISHED.format("2022年3月29日")},
    "395.pdf": {"title": "the title has no 我省 (山西省关于做好我省… is the record's wording)"},
    "411.pdf": {"issuer": "the record writes 中国证劵监督管理委员会 (劵 for 券)"},
    "481.pdf": {"province": "石家庄市 is in 河北省, not 黑龙江省"},
    "491.pdf": {"date": _PUBLISHED.format("2022年5月26日")},
    "505.pdf": {"title": "the PDF's title is 浙江省绿色低碳工业园区建设评价导则（2022版）; the record's title joins "
                         "it with a second 导则 (工厂)"},
    "523.pdf": {"issuer": "the record writes 市城市管理委 without its place and 天津市市工业和信息化局 (市市)"},
    "561.pdf": {"issuer": "the document names 湖南省发展和改革委员会 and 湖南省能源局 under its title; the record "
                          "only the first"},
}
# Rows whose document states no value for a field at all (checked by hand: no 落款, header,
# red-head, cover or title naming a body; no full date but deadlines and a cover's month
# "2021年9月"): a plan published without its notice. Reported apart: no reading of the text can
# agree there. A value stated in any form is stated, also where a reading misses it: a news
# dateline "（新华社北京2021年10月21日电）" states the date (7.pdf), a 落款 glued to a contact line
# "…服务中心:5220566包头市住房和城乡建设局" the issuer (271.pdf).
NOT_STATED: dict[str, tuple[str, ...]] = {
    "issuer": ("13.pdf", "27.pdf", "51.pdf", "67.pdf", "77.pdf", "99.pdf", "113.pdf", "149.pdf", "163.pdf",
               "171.pdf", "185.pdf", "187.pdf", "189.pdf", "195.pdf", "197.pdf", "199.pdf", "225.pdf", "269.pdf",
               "279.pdf", "281.pdf", "325.pdf", "329.pdf", "349.pdf", "379.pdf", "395.pdf", "415.pdf",
               "431.pdf", "439.pdf", "453.pdf", "459.pdf", "479.pdf", "483.pdf", "499.pdf", "501.pdf", "503.pdf",
               "509.pdf", "533.pdf", "537.pdf", "543.pdf", "565.pdf", "585.pdf"),
    "date": ("13.pdf", "27.pdf", "51.pdf", "55.pdf", "59.pdf", "67.pdf", "77.pdf", "99.pdf", "109.pdf",
             "111.pdf", "113.pdf", "133.pdf", "149.pdf", "155.pdf", "163.pdf", "171.pdf", "173.pdf", "177.pdf",
             "183.pdf", "185.pdf", "187.pdf", "189.pdf", "195.pdf", "197.pdf", "199.pdf", "221.pdf", "225.pdf",
             "269.pdf", "277.pdf", "279.pdf", "281.pdf", "297.pdf", "303.pdf", "317.pdf", "325.pdf", "329.pdf",
             "349.pdf", "351.pdf", "375.pdf", "415.pdf", "425.pdf", "431.pdf", "439.pdf", "453.pdf", "459.pdf",
             "479.pdf", "481.pdf", "483.pdf", "499.pdf", "501.pdf", "503.pdf", "505.pdf", "509.pdf", "533.pdf",
             "537.pdf", "539.pdf", "543.pdf", "561.pdf", "563.pdf", "565.pdf", "585.pdf"),
    "level": ("225.pdf",),
    "city": ("225.pdf",),
}

# --- comparison --------------------------------------------------------------------------------

def _title_key(title: str) -> str:
    from corpus.text import matching

    return _PUNCT_RE.sub("", matching(title)).replace("的", "")


def _title_variants(title: str) -> set[str]:
    """The title's comparison keys: whole; without the bodies or place it opens with; from 关于."""
    from corpus import divisions
    from corpus.metadata import title_bodies
    from corpus.text import matching

    key = _title_key(title)
    keys = {key}
    if "关于" in key:
        keys.add(key[key.index("关于") + 2:])
    bodies = title_bodies(matching(title)) if "关于" not in key else []
    head = "".join(_PUNCT_RE.sub("", b).replace("的", "") for b in bodies)
    if head and key.startswith(head):
        keys.add(key[len(head):])
    mentions = divisions.find_places(key[:24])
    if mentions and mentions[0].start == 0:
        keys.add(key[mentions[0].end:])
    m = re.match(r"^(?:中共)?[\u4e00-\u9fff]{2,12}?(?:省|市|自治区|区|县)?[\u4e00-\u9fff]{0,16}?(?:厅|局|委员会|委)"
                 r"(?=\d{4}年)", key)
    if m:  # "辽宁省自然资源厅2021年度…": the issuing body opening the title
        keys.add(key[m.end():])
    return {k for k in keys if k}


def _titles_agree(read: str, record: str) -> bool:
    if not read or not record:
        return False
    for a in _title_variants(read):
        for b in _title_variants(record):
            short, long_ = sorted((a, b), key=len)
            if len(short) >= 6 and short in long_:
                return True
    return False


def record_date(value: str) -> str:
    m = re.match(r"^\s*(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})", value)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def _division(name: str) -> Any:
    from corpus import divisions

    return divisions.resolve_one(name) if name.strip() else None


def record_level(province: str, city: str) -> str:
    """国家 / 省 / 市 / 县 from the record's province and city columns."""
    from corpus import divisions

    if not province.strip():
        return "国家"
    if not city.strip():
        return "省"
    provinces = [p for p in re.split(r"[、,，]", province) if p.strip()]
    within = _division(provinces[0]) if provinces else None
    found = divisions.resolve_one(city, within) or _division(city)
    if found is None:
        return "市"
    return divisions.doc_level(found)


def record_city(province: str, city: str) -> str:
    from corpus.places import NATIONAL

    if not province.strip():
        return NATIONAL
    if not city.strip():
        return re.split(r"[、,，]", province)[0].strip()
    return city.strip()


def _same_place(a: str, b: str) -> bool:
    from corpus.places import NATIONAL, same_city

    if a.strip() == b.strip():
        return True
    if NATIONAL in (a, b) or not a.strip() or not b.strip():
        return False
    da, db = _division(a), _division(b)
    if da is not None and db is not None:
        return bool(da.code == db.code)
    return same_city(a, b)


def agree(field: str, read_value: str, record_value: str) -> bool:
    """Does the value read from the document agree with the record's (module docstring)?
    For level and city, `record_value` is the record's derived value (record_level /
    record_city); for province it may name several provinces ("重庆市、四川省")."""
    from corpus.metadata import kind_class

    read_value, record_value = (read_value or "").strip(), (record_value or "").strip()
    if field == "title":
        return _titles_agree(read_value, record_value)
    if field == "issuer":
        read_set = body_set(read_value.split("、"))
        return bool(read_set) and read_set == body_set(re.split(r"[,，]", record_value))
    if field == "date":
        return bool(read_value) and read_value == (record_date(record_value) or record_value)
    if field == "doc_type":
        return bool(read_value) and (kind_class(read_value) or read_value) == record_value
    if field == "level":
        return read_value == record_value
    if field == "province":
        if not record_value:
            return not read_value
        return any(_same_place(read_value, p) for p in re.split(r"[、,，]", record_value) if p.strip())
    if field == "city":
        return _same_place(read_value, record_value)
    raise ValueError(f"unknown field {field!r}")


def lead_issuer_agrees(read_value: str, record_value: str) -> bool:
    """The read list's first body is the record's first body (a looser view, reported apart)."""
    read_set = [normalize_body(b) for b in read_value.split("、") if b.strip()]
    record = [normalize_body(b) for b in re.split(r"[,，]", record_value) if b.strip()]
    return bool(read_set and record) and read_set[0] == record[0]


# --- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    file: str
    title: str
    issuer: str
    date: str
    doc_type: str
    industry: str
    province: str
    city: str

    def expected(self, field: str) -> str:
        if field == "level":
            return record_level(self.province, self.city)
        if field == "city":
            return record_city(self.province, self.city)
        return str(getattr(self, field))


def load_record(path: Path = RECORD) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Row(**{k: (r.get(k) or "").strip() for k in Row.__dataclass_fields__})
                for r in csv.DictReader(f, delimiter="\t")]


# --- scoring -----------------------------------------------------------------------------------
def score(rows: Sequence[Row], reads: Mapping[str, Mapping[str, Any]],
          record_errors: Mapping[str, Mapping[str, str]] = RECORD_ERRORS,
          not_stated: Mapping[str, Sequence[str]] = NOT_STATED) -> dict[str, Any]:
    """Per field: agreement over all rows (record errors and values the document does not
    state count as disagreements); agreement over the rows the measure can judge (the record
    errors and the not-stated rows left out); the record errors, the not-stated rows (as
    listed; one read anyway that agrees counts as agreement) and the other disagreements."""
    fields: dict[str, Any] = {}
    for field in COMPARED:
        agreed, errors, unstated, wrong = 0, [], [], []
        absent = set(not_stated.get(field, ()))
        for row in rows:
            facts = reads.get(row.file, {})
            value = str(facts.get(field, "") or "")
            expected = row.expected(field)
            if agree(field, value, expected):
                agreed += 1
                continue
            item = {"file": row.file, "read": value, "record": expected}
            reason = record_errors.get(row.file, {}).get(field)
            if reason:
                errors.append({**item, "reason": reason})
            elif row.file in absent:
                unstated.append(item)
            else:
                wrong.append(item)
        n = len(rows)
        judged = n - len(errors) - len(unstated)
        fields[field] = {
            "agreement": round(agreed / n, 4) if n else 0.0,
            "agreement_without_record_errors": round(agreed / (n - len(errors)), 4) if n - len(errors) else 0.0,
            "agreement_where_stated": round(agreed / judged, 4) if judged else 0.0,
            "agreed": agreed, "rows": n, "record_errors": errors, "not_stated": unstated, "disagreements": wrong,
        }
    lead = sum(lead_issuer_agrees(str(reads.get(r.file, {}).get("issuer", "")), r.issuer) for r in rows)
    fields["issuer"]["lead_issuer_agreement"] = round(lead / len(rows), 4) if rows else 0.0
    return fields
