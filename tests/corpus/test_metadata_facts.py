"""A real document's facts read from its text: multi-line titles, several issuing bodies, kind,
level and place (corpus.metadata with corpus.structure.find_title and corpus.divisions)."""
from __future__ import annotations

import pytest

from corpus.metadata import (date_as_written, date_precision, doc_kind, kind_class, merge, parse_month, read_metadata,
                             split_bodies, title_bodies)
from corpus.model import DocumentMeta
from corpus.places import NATIONAL, validate_city
from corpus.structure import detect_title, find_title


def test_a_title_printed_over_two_or_three_lines_is_joined():
    assert detect_title(["山东省“十四五”", "生态环境保护规划", "第一章 开启美丽山东建设新征程"]) == "山东省“十四五”生态环境保护规划"
    lines = ["毕节市林业碳票碳减排量计量方法（试", "行）", "2022年1月", "为规范林业碳票计量，制定本方法。"]
    assert detect_title(lines) == "毕节市林业碳票碳减排量计量方法（试行）"
    notice = ["重庆市人民政府办公厅", "四川省人民政府办公厅", "关于印发成渝地区双城经济圈碳达峰碳中和", "联合行动方案的通知",
              "渝府办发〔2022〕22号", "各区县人民政府：", "现将方案印发给你们，请认真贯彻执行。"]
    reading = find_title(notice)
    assert reading.title == "成渝地区双城经济圈碳达峰碳中和联合行动方案"  # the plan the notice issues
    assert reading.notice is not None and reading.notice.text.endswith("联合行动方案的通知")


def test_a_covering_notice_gives_way_to_the_plans_own_title():
    texts = ["辽源市人民政府关于印发", "辽源市加快建立健全绿色低碳循环发展经济体系实施方案", "的通知", "辽府发〔2022〕4号",
             "各县、区人民政府：", "现将《辽源市加快建立健全绿色低碳循环发展经济体系实施方案》印发给你们，请认真贯彻落实。",
             "辽源市人民政府", "2022年1月18日", "辽源市加快建立健全绿色低碳循环发展经济体系实施", "方案", "一、总体要求"]
    read = read_metadata(texts)
    assert read.title == "辽源市加快建立健全绿色低碳循环发展经济体系实施方案"
    assert (read.issuer, read.date, read.doc_number) == ("辽源市人民政府", "2022-01-18", "辽府发〔2022〕4号")
    assert (read.doc_type, kind_class(read.doc_type)) == ("方案", "行动工作方案")
    assert (read.level, read.province, read.city, read.prefecture) == ("市", "吉林省", "辽源市", "")


def test_a_notice_that_is_the_document_itself_keeps_its_title_and_kind():
    texts = ["上海市生态环境局文件", "沪环气〔2022〕27号", "上海市生态环境局关于开展低碳示范", "创建工作的通知",
             "各区生态环境局，各相关单位：", "一、低碳发展实践区应于2024年底前完成创建。", "附件：1.低碳发展实践区创建名单",
             "上海市生态环境局", "2022年1月27日", "低碳发展实践区创建名单"]
    read = read_metadata(texts)
    assert read.title == "上海市生态环境局关于开展低碳示范创建工作的通知"
    assert (read.doc_type, read.issuer, read.date) == ("通知", "上海市生态环境局", "2022-01-27")
    assert (read.level, read.city) == ("省", "上海市")  # a 直辖市 is province-level


def test_a_signature_with_several_bodies_on_a_line_and_over_lines():
    texts = ["工业和信息化部、国家发展和改革委员会、生态环境部关于促进钢铁工业高质量发展的指导意见",
             "各省、自治区、直辖市工业和信息化主管部门：", "钢铁工业是国民经济的重要基础产业。", "一、总体要求",
             "（一）指导思想。以高质量发展为主题。", "工业和信息化部", "国家发展和改革委员会", "生态环境部", "2022年1月20日"]
    read = read_metadata(texts)
    assert read.issuer == "工业和信息化部、国家发展和改革委员会、生态环境部"
    assert (read.level, read.city, read.province) == ("国家", NATIONAL, "")
    assert read.date == "2022-01-20"
    assert split_bodies("温州市财政局温州市住房和城乡建设局") == ["温州市财政局", "温州市住房和城乡建设局"]
    assert split_bodies("中国共产党中央委员会国务院") == ["中国共产党中央委员会", "国务院"]
    assert split_bodies("台州市财政局国家税务总局台州市税务局") == ["台州市财政局", "国家税务总局台州市税务局"]
    assert split_bodies("交通运输部国家铁路局") == ["交通运输部", "国家铁路局"]
    assert split_bodies("为贯彻落实有关要求") is None


def test_a_signature_broken_across_lines_and_a_district():
    texts = ["关于印发《徐汇区节能减排降碳专项资金", "管理办法》的通知", "区政府各委、办、局:", "现印发给你单位，请认真按照执行。",
             "上海市徐汇区发展和改革委员会上海市徐汇区财", "政局", "2022年2月22日", "徐汇区节能减排降碳专项资金管理办法",
             "第一条（扶持对象）"]
    read = read_metadata(texts)
    assert read.title == "徐汇区节能减排降碳专项资金管理办法"
    assert read.issuer == "上海市徐汇区发展和改革委员会、上海市徐汇区财政局"
    assert (read.level, read.province, read.city, read.prefecture) == ("县", "上海市", "徐汇区", "上海市")
    assert read.doc_type == "办法"


def test_a_body_printed_without_its_place_gets_the_documents():
    texts = ["省住房城乡建设厅关于推进碳达峰目标下绿色城", "乡建设的指导意见", "苏建办〔2021〕66号",
             "各设区市住房城乡建设局：", "为全面推动全省城乡建设向绿色、低碳方向转型，致力美丽江苏建设，结合我省工作实际，现提出如下意见。",
             "一、充分认识重要意义"]
    read = read_metadata(texts)
    assert read.issuer == "江苏省住房城乡建设厅"
    assert (read.level, read.province, read.city) == ("省", "江苏省", "江苏省")
    source = next(s for s in read.sources if s.field == "issuer")
    assert source.line == "省住房城乡建设厅关于推进碳达峰目标下绿色城"  # the line as printed


def test_bodies_named_by_a_title():
    assert title_bodies("国家能源局、农业农村部、国家乡村振兴局关于印发《某意见》的通知") == ["国家能源局", "农业农村部", "国家乡村振兴局"]
    assert title_bodies("国家发展改革委等部门关于加快废旧物资循环利用体系建设的指导意见") == ["国家发展改革委"]
    assert title_bodies("关于开展工作的通知") == []


def test_a_document_without_issuer_takes_its_place_from_the_title_or_the_text():
    read = read_metadata(["临沂市推进绿色低碳县城建设实施方案", "为推进我市绿色低碳县城建设，制定本方案。", "一、总体要求"])
    assert (read.issuer, read.level, read.province, read.city) == ("", "市", "山东省", "临沂市")
    national = read_metadata(["“十四五”建筑节能与绿色建筑发展规划", "“十三五”期间，我国建筑节能与绿色建筑发展取得重大进展。"])
    assert (national.level, national.city, national.doc_type) == ("国家", NATIONAL, "规划")


@pytest.mark.parametrize("title, kind", [
    ("河南省坚决遏制“两高”项目盲目发展行动方案", "方案"), ("关于加快建立健全绿色低碳循环发展经济体系的若干措施", "措施"),
    ("企业温室气体排放报告核查指南（试行）", "指南"), ("重庆市应对气候变化“十四五”规划（2021—2025年）", "规划"),
    ("广州市生态环境保护条例", "条例"), ("关于做好碳排放权交易履约工作的通知", "通知"), ("某某报告", ""),
])
def test_document_kinds(title, kind):
    assert doc_kind(title) == kind


def test_merge_fills_the_place_group_and_a_given_city_wins():
    read = read_metadata(["临沂市推进绿色低碳县城建设实施方案", "为推进我市绿色低碳县城建设，制定本方案。"])
    blank = merge(DocumentMeta(doc_id="x", city="", province="", title=""), read)
    assert (blank.city, blank.province, blank.level, blank.doc_type) == ("临沂市", "山东省", "市", "方案")
    given = merge(DocumentMeta(doc_id="x", city="定州市", province="河北省", title=""), read)
    assert (given.city, given.province, given.level, given.prefecture) == ("定州市", "河北省", "县", "保定市")
    assert given.source("city") is None and given.source("level") is None  # not read from a line


def test_national_and_provinces_are_places():
    assert validate_city(NATIONAL) == "全国"
    assert validate_city("河南省") == "河南省" and validate_city("内蒙古自治区") == "内蒙古自治区"


def test_every_value_cites_a_line_of_the_document():
    texts = ["辽源市人民政府关于印发", "辽源市加快建立健全绿色低碳循环发展经济体系实施方案", "的通知", "辽府发〔2022〕4号",
             "各县、区人民政府：", "现将方案印发给你们，请认真贯彻落实。", "辽源市人民政府", "2022年1月18日",
             "辽源市加快建立健全绿色低碳循环发展经济体系实施", "方案", "一、总体要求"]
    read = read_metadata(texts)
    fields = {s.field for s in read.sources}
    assert {"title", "issuer", "date", "doc_number", "doc_type", "level", "province", "city"} <= fields
    assert all(s.line in texts for s in read.sources), [s for s in read.sources if s.line not in texts]


def test_titles_the_conversion_glued_to_other_lines():
    glued = ["中国人民银行、发展改革委、证监会关于印发《绿色债券支持项目目录（2021年版）》的通知（银发〔2021〕96号）"
             "中国人民银行上海总部，各分行：", "为规范市场，现将目录印发给你们。", "中国人民银行", "发展改革委", "证监会", "2021年4月2日"]
    read = read_metadata(glued)
    assert read.title.endswith("关于印发《绿色债券支持项目目录（2021年版）》的通知")  # a catalogue is no plan kind
    assert (read.doc_number, read.doc_type, read.date) == ("银发〔2021〕96号", "通知", "2021-04-02")
    assert read.issuer == "中国人民银行、发展改革委、证监会"
    assert detect_title(["广州市生态环境保护条例广州市第十五届人民代表大会", "常务委员会", "公告"]) == "广州市生态环境保护条例"


def test_with_no_title_printed_the_document_issued_names_it():
    texts = ["繁政办〔2022〕3号", "各镇人民政府，区有关单位：", "现将《繁昌区节能降碳若干支持措施》印发给你们，请认真贯彻执行。",
             "2022年3月9日", "一、支持对象", "繁昌区人民政府办公室2022年3月9日印发"]
    read = read_metadata(texts)
    assert (read.title, read.doc_type, read.date) == ("繁昌区节能降碳若干支持措施", "措施", "2022-03-09")
    assert read.issuer == "繁昌区人民政府办公室"  # the office printing it: nothing else names a body
    assert (read.level, read.city, read.prefecture) == ("县", "繁昌区", "芜湖市")


def test_a_news_dateline_states_the_date_when_nothing_signs_it():
    # 7.pdf: the 中办/国办 意见 as 新华社 ran it, the date only in the closing dateline
    texts = ["中共中央办公厅、国务院办公厅印发《关于推动城乡建设绿色发展的意见》",
             "近日，中共中央办公厅、国务院办公厅印发了《关于推动城乡建设绿色发展的意见》，并发出通知，要求各地区各部门结合实际认真贯彻落实。",
             "一、总体要求", "（四）加强培训宣传。加强教育宣传和舆论引导，普及城乡建设绿色发展法律法规和科学知识。（新华社北京2021年10月21日电）"]
    read = read_metadata(texts)
    assert read.date == "2021-10-21"
    source = next(s for s in read.sources if s.field == "date")
    assert source.line == "（新华社北京2021年10月21日电）" and source.line in texts[-1]
    assert read.issuer == "中共中央办公厅、国务院办公厅"


def test_a_signed_date_wins_over_the_dateline():
    # 1.pdf: the date under the title (2021年9月22日) is the document's; the dateline (10月24日) its news
    texts = ["中共中央、国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见", "（2021年9月22日）",
             "实现碳达峰、碳中和，是党中央统筹国内国际两个大局作出的重大战略决策。现提出如下意见。", "一、总体要求",
             "（三十七）严格监督考核。各地区各有关部门贯彻落实情况每年向党中央、国务院报告。（新华社北京2021年10月24日电）"]
    assert read_metadata(texts).date == "2021-09-22"
    assert read_metadata(["某某方案", "一、国家电网公司2021年10月24日电力负荷创新高。"]).date == ""  # 电力: no dateline


def test_a_signature_behind_a_contact_lines_telephone_number():
    # 271.pdf: the conversion glued the 落款's body to the contact line above it
    texts = ["关于勘察设计企业和施工图审查机构落实碳达峰、碳中和有关政策制度和建设标准的通知", "各勘察设计企业、施工图审查机构:",
             "为进一步做好全市碳达峰、碳中和工作，具体通知如下:", "一、已出台有关政策制度、工作标准、工作方案", "特此通知。",
             "联系人:市住建局标准定额科:5220664市住建局建筑节能和科技教育科:5220634市建设工程消防审验服务中心:5220566包头市住房和城乡建设局",
             "2021年12月014日"]
    read = read_metadata(texts)
    assert (read.issuer, read.date) == ("包头市住房和城乡建设局", "2021-12-14")
    assert (read.level, read.city) == ("市", "包头市")
    assert all(any(s.line in t for t in texts) for s in read.sources)  # each value cites a printed line


def test_a_cover_names_its_body_and_its_month_is_the_date_at_month_precision():
    # 425.pdf: body and month on one cover line; 67.pdf / 177.pdf: the month on a line of its own
    read = read_metadata(["内江市“十四五”生态环境保护规划", "（2021—2025年）", "内江市生态环境局二〇二二年三月", "目录",
                          "第一章内江市生态环境保护形势"])
    assert (read.issuer, read.date) == ("内江市生态环境局", "2022-03")
    assert next(s for s in read.sources if s.field == "issuer").line == "内江市生态环境局二〇二二年三月"
    assert next(s for s in read.sources if s.field == "date").line == "内江市生态环境局二〇二二年三月"
    assert read_metadata(["内蒙古自治区“十四五”生态环境保护规划", "2021年9月", "目录"]).date == "2021-09"
    hainan = read_metadata(["海南省", "“十四五”海洋生态环境保护规划", "海南省生态环境厅", "2021年12月", "目录"])
    assert (hainan.issuer, hainan.date, date_precision(hainan.date)) == ("海南省生态环境厅", "2021-12", "month")
    # 561.pdf: two compiling bodies on one line, then the month; the only date the document states
    hunan = read_metadata(["湖南省“十四五”可再生能源发展规划", "湖南省发展和改革委员会湖南省能源局", "2022年5月", "目录",
                           "一、发展基础和面临形势"])
    assert (hunan.issuer, hunan.date) == ("湖南省发展和改革委员会、湖南省能源局", "2022-05")
    assert date_as_written(next(s for s in hunan.sources if s.field == "date").line) == ("2022年5月", False)


def test_a_cover_month_gives_way_to_a_signed_day_and_is_no_deadline():
    # a 落款 with its day wins over the cover's month
    signed = read_metadata(["湖南省“十四五”可再生能源发展规划", "湖南省发展和改革委员会", "2022年5月", "目录",
                            "一、发展基础", "湖南省发展和改革委员会", "2022年5月31日"])
    assert (signed.date, date_precision(signed.date)) == ("2022-05-31", "day")
    # a month in a sentence under the title is no cover: "2025年12月" of a deadline stays out
    assert read_metadata(["某市“十四五”节能规划", "到2025年12月底前完成改造。", "目录"]).date == ""
    assert (parse_month("二〇二二年十三月"), date_precision(""), date_precision("2022-05-31")) == ("", "", "day")


@pytest.mark.parametrize(("line", "written", "dateline"), [
    ("（新华社北京2021年10月21日电）", "2021年10月21日", True),
    ("安顺市人民政府 2022年4月8日", "2022年4月8日", False),
    ("二〇二二年十二月二十三日", "二〇二二年十二月二十三日", False),
    ("成文日期：2022-01-26", "2022-01-26", False),
    ("内江市生态环境局二〇二二年三月", "二〇二二年三月", False),  # a cover's month
])
def test_a_date_is_shown_as_its_line_writes_it(line, written, dateline):
    assert date_as_written(line) == (written, dateline)
