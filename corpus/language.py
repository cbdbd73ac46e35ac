"""The plans' language, written once: every pattern that reads years and plan periods, figures,
clauses and sentences, the asks of a question, target and count verbs, and document-kind words.

corpus, index and assistant read these names; no other module defines a pattern of this kind
(tests/test_language_patterns.py scans the sources for one). Patterns read matching text
(`corpus.text.matching`: full-width folded, Simplified script) unless a comment says display
text. This module imports nothing from the project, so any layer may use it.

Where two readers need different shapes of the same thing, both are here under names that say
which reader uses each and why (the figure grammar of any clause, `FIGURE_*`, against the
target reader's listed units, `TARGET_*`; the clause cuts of BM25 passages, dense windows,
news leads and target clauses). Each pattern is kept exactly as its reader was tuned with it.

Sections: years and periods · figures · clauses and sentences · verbs · asks · document kinds.
"""
from __future__ import annotations

import re

# --- years and periods ---------------------------------------------------------------------------

PERIOD_FIRST, PERIOD_LAST = 2021, 2025  # the 十四五 period
# The plan periods a period phrase stands for, by their last year.
PLAN_PERIODS: dict[str, int] = {"十三五": 2020, "十四五": 2025}
# "十四五" as a time phrase ("“十四五”时期", "十四五末"): the plan period ending in 2025.
PERIOD_PHRASE_PATTERN = r"[“\"]?十四五[”\"]?(?:时期|期间|末)?"
PERIOD_PHRASE = re.compile(PERIOD_PHRASE_PATTERN)
# The end of a plan period, a year ("“十四五”末", "十三五期末": 2025, 2020).
PERIOD_END = re.compile(r"(十[三四]五)[”\"]?(?:期末|末期|末)")
# The period a clause states: "到2025年", "2023年底", "“十三五”期间", "十四五以来" (not 比2020年, not a date).
PERIOD_MENTION = re.compile(
    r"(?:到|至)?\s*(?<![比较\d])20\d{2}\s*年(?:底|末)?(?!基础|水平|\d|月|度)|[“\"]?十[三四]五[”\"]?(?:时期|期间|末|以来)?")
# A year of the plans' time (four digits, 20xx), anywhere / ending a text.
YEAR_DIGITS = re.compile(r"20\d{2}")
YEAR_AT_END = re.compile(r"20\d{2}$")
# The year a target is set for in a clause ("到2025年", "2025年底"), not a baseline (比2020年).
TARGET_YEAR = re.compile(r"(?:到|至|在)?\s*(?<![比较])(20\d{2})\s*年\s*(?:底|末|前)?(?!基础|水平)")
# A baseline: "比2020年", "较2020年底水平", "在2020年的基础上".
BASELINE = re.compile(r"(?:比|较)\s*20\d{2}\s*年(?:底|末)?(?:水平)?|在\s*20\d{2}\s*年(?:的)?基础上")
# What may stand between a clause's subject and its alternative figure: "或在2020年基础上".
ALTERNATIVE_BASELINE = re.compile(r"(?:或|或者)?(?:在20\d{2}年基础上)?")
# Words before a year that make it a baseline ("比", "与…相比"), read on the text before the year.
BASELINE_BEFORE = re.compile(r"(?:比|较|与|相比)\s*$")
# A deadline: a year of the plan period with 底/前 after it, or an interim year (before the
# period's last year) — "到2023年，全市钢铁产能完成超低排放改造", "2022年底前"; not a year of
# account ("2022年度…申报指南").
DEADLINE = re.compile(r"(?:到|至|于|在)?(?P<year>20\d{2})年(?P<tail>年底前|底前|以前|前|底|末)?(?![\d月度]|基础|水平)")
# A date with its month inside a sentence is a deadline or a start ("2022年9月底前将…报",
# "2023年1月1日全面供应"): no plan sets a target for a month, so it is never the period a target
# is set for. A date standing alone (a signature line) is no figure.
DATED = re.compile(r"(?:到|至|于|在|自|从)?(?P<year>20\d{2})年(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>[12]\d|3[01]|0?[1-9])日)?"
                   r"(?P<tail>底前|底|前|以前|起|以后|后)?")
# A date of every year, with no year of its own, closing a task ("企业应当于每年3月15日前披露…",
# "次年1月底前报送"): a deadline a 办法 or 通知 sets once for all years.
RECURRING_DATE = re.compile(r"(?:(?<=每年)|(?<=次年)|(?<=当年)|(?<![\d年月]))(?P<month>1[0-2]|0?[1-9])月"
                            r"(?:(?P<day>[12]\d|3[01]|0?[1-9])日)?(?P<tail>底前|以前|之前|前|底)")
# A year in a question: "2025年", "2025" (not 比2020年, not "2020年基础上").
QUESTION_YEAR = re.compile(r"(?<![比较\d])(20\d{2})(?!\d)(?:\s*年)?(?!基础|水平)")
# A year written in Chinese digits: "二〇二五年" (group 1: its last two digits).
CN_YEAR = re.compile(r"二[〇零○]([〇零○一二三四五六七八九]{2})年")
CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "一": "1", "二": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# Time words of a question removed when reading its topic: a baseline, a target year.
BASELINE_MENTION = re.compile(r"(?:比|较|在)\s*20\d{2}\s*年(?:基础上|水平)?")
YEAR_MENTION = re.compile(r"(?:到|至|在)?\s*20\d{2}\s*年?(?:底|末|前)?")
# A year in a table: a header "2025年目标值", a cell "2020" / "2020年".
TABLE_YEAR = re.compile(r"(20\d{2})\s*年")
YEAR_CELL = re.compile(r"^(?:19|20)\d{2}(?:年)?$")

# --- figures -------------------------------------------------------------------------------------
# The general figure grammar (corpus.figures): any number with any unit written after it.
# Characters a unit is written with (after the number): SI and Chinese measure characters,
# classifiers, and Latin unit letters. A unit is a run of them, possibly "a/b".
_UNIT_CHARS = (
    "万亿千百十兆吉克吨斤公米升瓦时度焦帕秒分钟日天月周年小时里亩顷辆台家个座处项条套倍人户次床张只件艘列架栋名层"
    "蒸立方平标准煤油气电水毫微纳元"
)
_LATIN_UNIT = r"(?:kWh|KWh|kwh|MWh|GWh|kW|MW|GW|km|mm|cm|kg|mg|μg|m²|m³|m2|m3|t|m|L|g|W)"  # μg/m3: concentrations
_UNIT_RUN = rf"(?:[{_UNIT_CHARS}]{{1,6}}|{_LATIN_UNIT})"
FIGURE_UNIT = rf"(?:个百分点|%|‰|{_UNIT_RUN}(?:/{_UNIT_RUN})?)"
FIGURE_NUMBER = r"\d+(?:\.\d+)?(?:[—–\-~～至到]\d+(?:\.\d+)?)?"  # a number or a range 8-10
BOUND_BEFORE = r"不低于|不少于|不超过|不高于|不大于|不小于|低于|高于|超过|少于|大于|小于|力争|<|>|≤|≥"
BOUND_AFTER = r"及以上|及以下|以上|以下|左右|以内"
COUNT_UNITS = frozenset("家个座处项条套户台辆艘列架栋床张只件名层")  # measure words: a count
# "500余家", "100多个": a count given roughly, the mark between the number and its unit.
APPROXIMATE = r"余|多"
# Units that are not units: words that follow a number and begin the next thing said.
NOT_UNIT = re.compile(r"^(?:年|月|日|号|时期|期间|条例)")
# A number right after PM is a particle size, part of a pollutant's name (PM2.5, PM10), no figure.
QUANTITY = re.compile(
    rf"(?P<before>{BOUND_BEFORE})?(?<![\d.])(?<![Pp][Mm])(?P<num>{FIGURE_NUMBER})(?:(?P<approx>{APPROXIMATE})(?={FIGURE_UNIT}))?"
    rf"(?P<unit>{FIGURE_UNIT})?(?P<after>{BOUND_AFTER})?"
)
WATER_CLASS = re.compile(r"(?<![A-Za-z])(?P<num>I{1,3}|IV|V|[ⅠⅡⅢⅣⅤ])类")  # Ⅱ类, III类 after NFKC
# A span of years with a bound ("一般不超过3年", "3年内", "连续2年"): a figure; "2021年" is a
# year. The bound words, read on the text before the number.
DURATION_BOUND = re.compile(r"(?:连续|近|满|不超过|不少于|超过|至少|期|期限|期限为|期为|为|每)$")  # 有效期5年, 每1-3年
# A 《…》 title: a year or number inside a document's name is no figure.
TITLE_SPAN = re.compile(r"《[^《》]{1,80}》")
# A decimal number, a signed one, a year-like one.
DECIMAL = re.compile(r"\d+(?:\.\d+)?")
SIGNED_DECIMAL = re.compile(r"[-+]?\d+(?:\.\d+)?")
YEAR_LIKE = re.compile(r"(?:19|20)\d{2}")
# A unit in brackets at the end of a name: table header "…降低率目标（%）".
NAME_UNIT = re.compile(r"[（(]\s*(%|‰|[^（）()\d]{1,8})\s*[）)]\s*$")
# The target reader's grammar (assistant.targets): spaces inside a range, and the units it
# lists (a clause "达到70" with no listed unit is still read, its unit ""). The 亿 scale is the
# national plans' ("天然气产量2140亿立方米左右", "水电装机达到4.1亿千瓦").
TARGET_NUMBER = r"\d+(?:\.\d+)?(?:\s*[—–\-~～至]\s*\d+(?:\.\d+)?)?"
TARGET_UNIT = (
    r"个百分点|%|‰|万亿千瓦时|亿吨标准煤|亿千瓦时|亿千瓦|亿立方米|亿平方米|亿吨|万吨标准煤|吨标准煤|克标准煤/千瓦时|千克标准煤/吨|升/百公里|千瓦时/百公里|"
    r"万千瓦时|亿千瓦时|万千瓦|千瓦|万吨/日|吨/日|万立方米/日|万立方米|毫克/升|微克/立方米|立方米|万吨|吨|"
    r"万亩次|万亩|亩|平方公里|平方米|公里|万辆|辆|万台|台|家|个|座|处|项|条|套|倍|天|小时|人"
)
COUNT_TARGET_UNIT = r"家|个|座|处|项|条|套|万亩次|万亩|亩|辆|台|公里|平方公里"  # after a count verb
RATE_UNIT = r"%|‰|个百分点"
TARGET_SUFFIX = r"及以上|以上|以下|左右|以内"  # a bound after the figure
STRIVING = r"力争|确保|争取"  # 力争 / 确保 before the verb or the figure
# The bound a verb states: 不高于 is 不超过, 少于 is 低于.
BOUND_VERB = {"不超过": "不超过", "不高于": "不超过", "不低于": "不低于", "不少于": "不低于",
              "低于": "低于", "高于": "高于", "超过": "超过", "少于": "低于"}
# A clause that goes with the figure before it: its 力争 target, an alternative, a part.
COMPANION = re.compile(r"^(?:力争|或|或者|其中|确保|争取)")
# Indicator names whose value is one of a series ("…减排量分别达到x、y"): the shared head.
SERIES_HEAD = re.compile(
    r"(重点工程减排量|减排量|排放总量|排放量|无害化处置率|综合利用率|利用率|处置率|处理率|治理率|"
    r"收集率|覆盖率|回收率|达标率|占比|比例|比重)$"
)
# Words that open a clause before its indicator: connectives, the plan's own place, the year.
TARGET_LEAD_NOISE = re.compile(
    r"^(?:其中|同时|并|且|确保|力争|争取|努力|基本|全市|我市|全县|全区|市域|本市|以上|"
    rf"到\s*20\d{{2}}\s*年(?:底|末)?|{PERIOD_PHRASE_PATTERN}|"
    r"(?:20\d{2}\s*年)|[，,、\s])+"
)

# The meaning of a table column from its label: an actual (base-year) value, a change.
# The table reader (corpus.tables) reads 削减 as a change; the target reader's column fit
# (assistant.table_targets) does not: two lists, kept as each was tuned.
ACTUAL_COLUMN = re.compile(r"实际|现状|基数|基期|完成值")
CHANGE_LABEL = re.compile(r"变化|降低|下降|提高|增长|减少|削减|幅度")
CHANGE_COLUMN = re.compile(r"变化|降低|下降|提高|增长|减少|幅度")
CHANGE_ONLY_COLUMN = re.compile(r"变化|幅度")  # a change whatever its direction (变化幅度)

# Who is in charge, as the plans write it: "（市生态环境局牵头，……按职责分工负责）", and the
# plans' other form, "（责任单位：市机关事务中心）".
RESPONSIBILITY_WORDS = re.compile(r"负责|牵头|配合|落实|责任单位|责任部门")

# --- clauses and sentences -----------------------------------------------------------------------
# A sentence (display text): up to and with its 。！？；!?; run and the closing quotes or brackets after it.
SENTENCE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)〕】》\]]*)?|[。！？；!?;]+[”’」』）)〕】》\]]*")
# Clause breaks of the target reader in matching text: ; : (not a time of day such as 16:30) ,
# (not a thousands separator such as 1,000) and after 。
CLAUSE_BREAK = re.compile(r";|(?<!\d):|:(?!\d)|(?<!\d),|,(?!\d{3}(?!\d))|(?<=[。])")
# A clause of a BM25 passage: cut after ，；。！？ (marks kept).
PASSAGE_CLAUSE = re.compile(r"[^，,；;。！？!?]+[，,；;。！？!?]*")
# A clause of a news lead (display text): cut after ，；。！？： (marks kept).
LEAD_CLAUSE = re.compile(r"[^，,；;。！？!?：:]+[，,；;。！？!?：:]*")
# A piece of a long sentence cut into dense windows: after ，、：.
WINDOW_CLAUSE = re.compile(r"[^，、：,:]+[，、：,:]?")
# A clause quoted from a sentence in an answer: cut after ，；.
QUOTED_CLAUSE_BREAK = re.compile(r"(?<=[，；,;])")
# The segments of a question: its clauses and sentences.
QUESTION_SEGMENT = re.compile(r"[，,；;。？?！!]")
# Conjunctions and list marks between things asked at once ("A和B分别是多少").
CONJUNCTION = re.compile(r"以及|[和及与、]")
# The items of a list inside one clause ("原油产量重回2亿吨、天然气产量持续稳步上产"), and the word
# that makes a list one statement of several figures ("…分别下降10%、8%").
LIST_ITEM_BREAK = re.compile(r"、")
RESPECTIVELY = re.compile(r"分别")

# --- verbs ---------------------------------------------------------------------------------------
# Verbs that introduce a target value; longest first inside each alternative.
TARGET_VERB = (
    r"分别达到|分别为|分别控制在|分别下降|分别降低|"
    r"不超过|不高于|不低于|不少于|低于|高于|超过|少于|"
    r"下降到|降低到|降至|下降|降低|削减|减少|压减|"
    r"提高到|提升到|提升至|提高至|提高|提升|增加|增长|"
    r"控制在|稳定在|保持在|维持在|达到|达|为|占比|占"
)
# Verbs that count what is built or done: "创建20家绿色工厂", "淘汰…".
COUNT_VERB = r"创建|建成|建设|打造|培育|新增|累计实施|累计建成|累计|实施|完成|淘汰|改造|遴选|推广|新建"
# Count verbs that open an indicator name ("创建20家绿色工厂" style names; longest first).
COUNT_VERB_OPENING = re.compile(r"^(?:累计实施|累计建成|累计|创建|建成|建设|打造|培育|新增|实施|完成|遴选|推广|新建)")
DECREASE_VERB = re.compile(r"^(?:分别)?(?:下降|降低|削减|减少|压减)$")
INCREASE_VERB = re.compile(r"^(?:分别)?(?:提高|提升|增加|增长)$")
# A clause that continues the subject of the clause before it (no subject of its own).
CONTINUES_SUBJECT = re.compile(
    r"^(?:力争|或|或者|其中|分别|并|且|确保|争取|均)*(?:比20\d{2}年|在20\d{2}年基础上)?"
    r"(?:达到|下降|降低|提高|提升|控制|稳定|保持|增加|减少|削减|压减|为|达|不低于|不超过|低于|超过)"
)
# Change verbs at the end of a question's topic ("…要下降", "…控制在").
TOPIC_CHANGE_VERB = re.compile(r"(?:要|需要|应|将)?(?:下降|降低|降|提高|提升|达到|达|控制到|控制在|控制|稳定在|稳定|"
                               r"保持在|保持|减少|增长|削减|压减)$")

# --- asks (of a question) ------------------------------------------------------------------------
# Who is in charge. A count of departments names the issuers of a joint document ("省发展改革委等
# 五部门关于…", "七部门印发的方案"), not an ask for who is in charge.
ASKS_WHO = re.compile(r"谁|牵头|负责|责任单位|责任部门|主管部门|哪个部门|哪些部门|什么部门|(?<![一二三四五六七八九十两几\d])部门")
# A number, strongly ("多少") or weakly (a word of targets, and how the question asks for one).
ASKS_FIGURE = re.compile(r"多少|几[个家座项%]?|多大|多高|数值|百分之|具体数|目标值|指标值|要到|达到什么")
FIGURE_WORDS = re.compile(r"目标|指标|率|比例|比重|占比|下降|降低|提高|达到|控制|减排量|总量|多少")
ASKS_TARGET = re.compile(r"目标|指标|要达到|达到|下降|降低|提高")
# Measures: what is done, how.
ASKS_MEASURES = re.compile(r"措施|怎么|如何|怎样|举措|做法|工作|任务|推进|开展|哪些|什么|手段|办法|方面|内容")
# When: its answer is a date or deadline.
ASKS_WHEN = re.compile(r"什么时候|何时|哪一年|哪年|几年|什么时间|截止|期限|哪天|哪一天|几月|什么日期|最晚|最迟")
# Cities compared.
ASKS_COMPARISON = re.compile(r"比较|对比|相比|哪个城市|哪个市|哪些城市|各市|各城市|分别|差异|区别|谁更|哪个更")
# "谁的…更高", "哪个城市…降得更多": who compares, it does not ask who is in charge.
WHO_COMPARES = re.compile(
    r"(?:谁|哪个|哪一个|哪座|哪些)[^，。？?]{0,30}?(?:更|最|较)(?:高|低|多|少|大|小|快|慢|严|强|好)|"
    r"(?:谁|哪个|哪一个)[^，。？?]{0,30}?(?:高于|低于|多于|少于|大于|小于)"
)
# Words asking across places of one level: 各省 / 哪些省份, 各市 / 哪些城市, 各县 / 各区县; 各地 /
# 哪些地方 asks across places of any level below the one named.
ASKS_ACROSS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("省", re.compile(r"各省|哪些省|哪几个省|各个省")),
    ("市", re.compile(r"各(?:地|个)?市|各城市|哪些(?:城)?市|哪几个(?:城)?市")),
    ("县", re.compile(r"各(?:区)?县|哪些(?:区)?县|哪几个(?:区)?县")),
    ("", re.compile(r"各地|哪些地方|哪些地区")),
)
# The place named joined to the places asked across: "河北省及省内各市县", "河南省和各市" ask
# the province's own documents as well as its cities'.
ACROSS_WITH_SELF = re.compile(r"(?:及|和|与|以及|连同)(?:其|省内|市内|区内|全省|全市|所辖|下辖|辖区内|所属)?(?:各|所有)")
# Asking which places ("哪些省份提出了…"), as against "各省…" (each place, or all of them at once).
ASKS_WHICH = re.compile(r"哪些|哪几个")
# Several things asked at once: "分别" / "各是" / an ask word per thing (RESPECTIVELY is the
# plans' word for a list of figures).
ASKS_EACH = re.compile(r"分别|各自|各为|各是|各要|各(?:需|应)?达到")
ASK_WORD = re.compile(r"多少|几何|多大|多高|多长|多久|几[个年月日天项家座层名倍成次批处条类]|什么比例")
# A duty a plan lays on the places it addresses, as the national and provincial plans write it:
# the places, then 要/应当/须 and a task ("各地要对存量“两高”项目…", "各地区要…", "各市应当…");
# not a figure each place is set ("要达到", "要下降", "要新建多少"). Read on the words after a
# question's ASKS_ACROSS: "各地摸底…时，…数据中心要逐一登记造册" asks the duty the plan lays on
# every place, "各地…目标分别是多少" / "各市要新建多少个…" each place's figure.
DUTY_MODAL = re.compile(
    rf"(?:要(?!求|点|素)|应当|必须|须)(?!\s*(?:{TARGET_VERB}))(?![^，,。？?！!；;]*?(?:{ASK_WORD.pattern}))")
# Of a table: the actual (base-year) value, the change.
ASKS_ACTUAL = re.compile(r"实际|现状|基数|基期|目前|现在|原来|原有|基准")
ASKS_CHANGE = re.compile(r"(?:下降|降低|减少|提高|提升|增加|增长|变化)(?:了|幅度)?(?:多少|几)|幅度|变化")
# Function words removed when reading the topic of a question (what it is about).
# Asking for a cap ("扶持上限是多少", "每平方米最多补贴多少"), and a clause stating one: a figure
# the plan bounds from above ("最高不超过300万元", "控制在5%以内").
ASKS_CAP = re.compile(r"上限|封顶|至多|最多|最高")
STATES_CAP = re.compile(r"上限|封顶|最高|最多|不超过|不高于|以内|以下")
# Where in the document a question looks ("主要指标表中", "专栏2里", "附表中"): not what it asks.
WHERE_IN_DOCUMENT = re.compile(r"(?:的)?(?:主要)?(?:(?:(?:指标|目标|一览)表|专栏|附表|附件)[一二三四五六七八九十\d]*|"
                               r"表[一二三四五六七八九十\d]+)(?:中|里|内|上)")
QUESTION_NOISE = re.compile(
    r"请问|请|那么|那|还有|另外|以及|和|与|、|这项|这些|这个|该项|上述|此项|主要(?=由|是|有)|量化|具体|上限|封顶|"
    r"到底|究竟|具体|分别|各自|力争|争取|确保|"
    r"(?:要|需要|应|应该|将|计划|预计|能|可以)?(?:达到|提高到|提升到|降到|下降到|控制在|下降|降低|提高|提升|减少|增长|到)?"
    r"(?:多少|几何|几|什么水平|多大|多高)|"
    r"的?(?:目标值|指标值|目标|指标|数值|要求|规划|安排)(?:是|为)?|"
    r"有哪些|有什么|哪些|什么|怎么样|怎样|如何|怎么|是否|有没有|"
    r"由谁|谁来|谁|牵头负责|牵头|负责|哪个部门|部门|责任单位|"
    r"方案|计划|方面|情况|措施|举措|做法|工作|"
    r"呢|吗|吧|啊|呀|"
    r"[的是了]|"
    r"[\s?？!！。，,；;：:、“”\"'《》（）()]"
)
# Which fact of a document a question asks for (assistant.answering.document): (field, pattern on the
# question's matching text); the first that matches wins.
ISSUE_VERB = r"(?:印发|发布|出台|签发|成文|发文|下发|公布|颁布|制定|制发)"
# Asking which documents a plan implements in so many words ("依据的是哪个文件").
_IMPLEMENTS_WH = r"(?:落实|贯彻|依据|根据|按照|依照|遵照)(?:的)?(?:是)?(?:哪个|哪些|哪份|什么)"
ASKS_IMPLEMENTED = re.compile(_IMPLEMENTS_WH)
ASKS_FACT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("meeting", re.compile(r"(?:哪次|什么|哪个|几次)\S{0,6}会议|会议\S{0,6}(?:审议|通过|研究|审定)|经\S{0,8}(?:审议|审定)通过")),
    ("implements", re.compile(r"(?:依据|根据|落实|贯彻|按照|依照|遵照|上级|省级|省里|省政府|国家级|国务院)\S{0,12}"
                              r"(?:文件|文号|通知|方案|政策)|" + _IMPLEMENTS_WH)),
    ("doc_number", re.compile(r"文号|发文字号|字号|发文号|文件号|文件编号")),
    ("date", re.compile(rf"(?:哪天|哪一天|何时|什么时候|什么时间|哪年哪月|几月几[日号]|日期|时间)\S{{0,6}}{ISSUE_VERB}|"
                        r"(?:哪天|哪一天|何时|什么时候|什么时间)下?发的|"
                        rf"{ISSUE_VERB}\S{{0,4}}(?:日期|时间)|{ISSUE_VERB}(?:于|在)?(?:哪天|哪一天|何时|什么时候|哪年)|"
                        rf"{ISSUE_VERB}[^，。？?]{{0,40}}的(?:落款)?(?:日期|时间)(?:是|为)?(?:哪天|哪一天|什么时候|何时)|落款日期")),
    ("issuer", re.compile(rf"(?:谁|哪[两几些]?个?(?:部门|单位|机关)|什么机关|哪级政府|什么部门|哪家)\S{{0,4}}{ISSUE_VERB}|"
                          rf"发文机关|发文单位|印发机关|发布机关|{ISSUE_VERB}(?:单位|机关|部门)")),
    ("title", re.compile(r"(?:标题|全称|全名|正式名称|文件名称)|叫什么(?:名字)?")),
)

# --- document kinds ------------------------------------------------------------------------------
# The document kinds read from a title's last words, and the coarse class of each (the five
# classes of a policy collection: 行动工作方案, 规划, 通知公告, 意见决定, 办法条例). Longest first
# where one word ends another: 实施方案 is a 方案.
DOC_KINDS: dict[str, str] = {
    "方案": "行动工作方案", "计划": "行动工作方案", "要点": "行动工作方案", "措施": "行动工作方案",
    "安排": "行动工作方案", "清单": "行动工作方案", "思路": "行动工作方案", "指南": "行动工作方案",
    "指引": "行动工作方案",
    "规划": "规划", "纲要": "规划",
    "通知": "通知公告", "公告": "通知公告", "通告": "通知公告", "函": "通知公告", "批复": "通知公告",
    "名单": "通知公告", "公报": "通知公告",
    "意见": "意见决定", "决定": "意见决定",
    "办法": "办法条例", "条例": "办法条例", "规定": "办法条例", "细则": "办法条例", "导则": "办法条例",
    "方法": "办法条例",
}
# The kinds a title read for metadata ends with (corpus.structure; longest first where one word
# ends another): a broader list than TITLE_LINE_END.
TITLE_KINDS = ("实施方案", "工作方案", "行动方案", "方案", "指导意见", "实施意见", "若干意见", "意见", "通知",
               "公告", "通告", "办法", "条例", "规定", "细则", "规划", "纲要", "计划", "要点", "指南", "指引",
               "措施", "导则", "决定", "安排", "方法", "清单", "思路", "批复", "函", "名单", "公报")
NOTICE_KINDS = ("通知", "函", "公告", "通告")  # a covering notice that prints another document
# A bracketed note that belongs to a title: （试行）, （暂行）, （2021—2025年）, （2022年版）.
TITLE_NOTE = r"[（(〔](?:试行|暂行|修订|修订版|草案|征求意见稿|送审稿|发布稿|报批稿|第[一二三四五六七八九十\d]+批|" \
             r"\d{4}\s*[-—–－~～至\s]*\s*\d{0,4}\s*年?版?|\d{4}年?版)[）)〕]"
# A line ending in a kind word (and an optional short note): a title line to the structure
# reader. It also decides a line's role for chunking, so it changes only with the chunks.
TITLE_LINE_END = re.compile(
    r"(方案|通知|意见|办法|规划|计划|决定|细则|规定|要点|纲要|公告|通告|批复|函)([（(][^）)]{1,10}[）)])?》?$"
)
# A document named in a question by (a short form of) its title: words ending in a kind.
NAMED_DOCUMENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9“”\"（）()]{2,40}?(?:方案|规划|意见|办法|要点|指南|计划|细则|导则|条例)")
# The kind word closing such a name.
NAMED_KIND_END = re.compile(r"(?:方案|规划|意见|办法|要点|指南|计划|细则|导则|条例)$")
# The kinds a document calls itself by when it names who interprets it ("本办法由…负责解释").
SELF_KINDS = ("办法", "规定", "细则", "条例", "方案", "意见", "指南", "导则", "规则", "制度")
