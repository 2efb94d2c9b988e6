"""Structure detection, rule by rule, on texts written for each rule (not only the seeds)."""

import pytest

from cases.importer import DocumentError
from cases.importer.clean import clean
from cases.importer.create import analyse
from cases.importer.decode import read_bytes
from cases.importer.places import PlaceFinder
from cases.importer.structure.drafts import Section
from cases.importer.structure.figures import FEWEST_SHOWN, MAX_FIGURES, SHOWN_FIGURES, chosen_figures, key_figures
from cases.importer.structure.metadata import metadata, split_byline, years
from cases.importer.structure.sections import drop_cut_off_section, sections_of, split_run_in_heading
from cases.importer.structure.titles import case_title, local_unit, model_name
from cases.taxonomy import Region

INTRO = "近年来，某县委坚持以党建引领乡村振兴，探索出一套行之有效的办法，取得了明显成效。"
PRACTICE = "县委组织部牵头制定方案，各乡镇党委逐村落实，把党员编入责任区，定期走访农户，帮助解决实际困难。"


@pytest.fixture
def regions(db):
    return {region.name: region for region in Region.objects.all()}


@pytest.mark.parametrize(
    "source_title, place, model, expected",
    [
        # the place the title starts with, without the report's verb and tail
        ("五常市推进农村党建“1+3模式”进展情况及取得成果综述", "五常市", "1+3模式", "五常市农村党建“1+3模式”"),
        ("兴山县开展“三联三帮”活动纪实", "兴山县", "三联三帮", "兴山县“三联三帮”活动"),
        ("商南县积极推行“双联双建”工作法的调查与思考", "商南县", "双联双建", "商南县“双联双建”工作法"),
        # a place head names the taxonomy's region, however short ("湖北兴山：")
        ("湖北兴山：深化“两会两评”模式", "兴山县", "两会两评", "兴山县“两会两评”模式"),
        # a slogan in the title gives way to the model the text names
        ("广东翁源：争当致富“领头雁”", "翁源县", "农村党员创业示范工程", "翁源县“农村党员创业示范工程”"),
        # a title without a place gets the detected one; without a quoted name it is kept whole
        ("推行“一村一品”党建工作法", "翁源县", "一村一品", "翁源县“一村一品”党建工作法"),
        ("积极探索农村社区党建工作新模式", "商南县", "", "商南县积极探索农村社区党建工作新模式"),
        # an account's genre goes when what it is an account of says enough by itself
        ("江尾镇党建引领兰花产业发展纪实", "翁源县", "", "翁源县江尾镇党建引领兰花产业发展"),
        # a title naming its place elsewhere is not given it twice
        ("关于五常市农村党建工作的调查", "五常市", "", "关于五常市农村党建工作的调查"),
        # no place detected: the source's title as it is
        ("城乡党建互帮互助交流", None, "", "城乡党建互帮互助交流"),
        # a headline's kicker before a colon is not part of the name
        ("山乡巨变：“党建+合作社”走出致富路", "兴山县", "党建+合作社", "兴山县“党建+合作社”"),
        # ... nor one ending like a village the text does not go on to name (小山村)
        ("小山村：“党建+合作社”走出致富路", "兴山县", "党建+合作社", "兴山县“党建+合作社”"),
        # a place head keeps only a village below the region, not 兴山县委 or 兴山党建
        ("兴山县委：深化“两会两评”模式", "兴山县", "两会两评", "兴山县“两会两评”模式"),
    ],
)
def test_case_title_is_place_and_model_in_the_sources_words(regions, source_title, place, model, expected):
    region = regions[place] if place else None
    assert case_title(source_title, region, PlaceFinder(regions.values()), model, INTRO) == expected


OPENING = "近年来，*在城乡党的基层组织互帮互助方面，大力推行城乡基层党组织联建，形成了长效机制。"


@pytest.mark.parametrize(
    "source_title, opening, model, expected",
    [
        # a title naming its genre gives way to what the opening says is practised, model in brackets
        ("城乡党建互帮互助交流", OPENING, "城乡联合党组织", "诸城市城乡基层党组织联建（城乡联合党组织）"),
        ("农村党建工作经验交流材料", OPENING, "", "诸城市城乡基层党组织联建"),
        ("组织工作纪实", "全县深入实施“双带”工程，建立了帮带机制。", "双带", "诸城市组织工作纪实"),
        # an opening that practises nothing nameable leaves the title; so does a title that is a name
        ("城乡党建互帮互助交流", INTRO, "", "诸城市城乡党建互帮互助交流"),
        ("城乡党建互帮互助", OPENING, "", "诸城市城乡党建互帮互助"),
    ],
)
def test_a_title_naming_only_its_genre_takes_what_the_opening_practises(
    regions, source_title, opening, model, expected
):
    assert (
        case_title(source_title, regions["诸城市"], PlaceFinder(regions.values()), model, opening, opening) == expected
    )


def test_a_province_wide_case_is_titled_with_the_part_the_text_names(regions):
    text = "江苏省一些地方特别是苏北地区积极探索……苏北地区各级党组织……苏北地区的实践证明……"
    assert (
        case_title("积极探索农村党建新模式", regions["江苏省"], PlaceFinder(regions.values()), "", text)
        == "苏北地区积极探索农村党建新模式"
    )
    assert (
        case_title("积极探索农村党建新模式", regions["江苏省"], PlaceFinder(regions.values()), "", INTRO)
        == "江苏省积极探索农村党建新模式"
    )


def headings(sections):
    return [section.heading for section in sections]


def test_the_opening_is_the_situation_or_a_signed_articles_introduction():
    paragraphs = [INTRO, "一、主要做法", PRACTICE, "二、初步成效", "全县党员作用明显增强，群众满意度大幅提高。"]
    assert headings(sections_of(paragraphs)) == ["基本情况", "一、主要做法", "二、初步成效"]
    assert headings(sections_of(paragraphs, signed=True)) == ["引言", "一、主要做法", "二、初步成效"]


def test_a_headingless_chronicle_is_how_the_work_went_forward():
    dated = [
        "2009年5月，市委组织部召开座谈会，总结推广这一模式。",
        "2009年6月，市委召开经验交流会，作出全面部署。",
        "《党建》2009年第6期刊发了调查报告，介绍了这一做法。",
        "截止目前，全市已建立合作社751个，吸纳社员126928人。",
        "这一模式推行几年来，收到了显著成效：一是提高了农民组织化程度；二是增加了农民收入。",
    ]
    sections = sections_of([INTRO, *dated])
    assert headings(sections) == ["基本情况", "推进情况", "取得成效"]
    # totals "so far" go with the results they lead into
    assert sections[2].paragraphs[0].startswith("截止目前")
    undated = sections_of([INTRO, PRACTICE, PRACTICE + "。", PRACTICE + "！", dated[-1]])
    assert headings(undated) == ["基本情况", "主要做法", "取得成效"]


def test_a_closing_summary_of_the_models_results_becomes_the_results():
    closing = "某县“共建共富”活动的开展，找到了城乡互补的途径，建立了统筹发展的机制。群众说：“党的政策暖人心。”"
    paragraphs = [INTRO, "搭建城乡互动桥梁", PRACTICE, closing]
    assert headings(sections_of(paragraphs, model="共建共富")) == ["基本情况", "搭建城乡互动桥梁", "取得成效"]
    # not without the model named, nor for a numbered point
    assert headings(sections_of(paragraphs, model="两会两评"))[-1] == "搭建城乡互动桥梁"
    numbered = [INTRO, "搭建城乡互动桥梁", PRACTICE, "二是" + closing]
    assert headings(sections_of(numbered, model="共建共富"))[-1] == "搭建城乡互动桥梁"


def test_a_paragraph_looking_back_over_the_works_span_is_the_results():
    looking_back = "两年来，全镇新建合作社12个，带动农户增收，群众满意度明显提高。"
    headingless = sections_of([INTRO, PRACTICE, PRACTICE + "。", looking_back])
    assert headings(headingless) == ["基本情况", "主要做法", "取得成效"]
    assert headingless[-1].paragraphs == [looking_back]
    headed = sections_of([INTRO, "搭建城乡互动桥梁", PRACTICE, "三年多来，" + looking_back[4:]])
    assert headings(headed) == ["基本情况", "搭建城乡互动桥梁", "取得成效"]
    # 近年来 opens the situation the work answered, not its results
    recent = sections_of([INTRO, PRACTICE, PRACTICE + "。", "近年来，" + looking_back[4:]])
    assert headings(recent) == ["基本情况", "主要做法"]
    # Earlier in a text it may announce what was done; after plans, it is not results either.
    announcing = sections_of([INTRO, "两年来，我们主要做了以下几方面工作。", PRACTICE, PRACTICE + "。"])
    assert headings(announcing) == ["基本情况", "主要做法"]
    plans = sections_of([INTRO, "一、主要做法", PRACTICE, "二、下一步打算", PRACTICE, "一年来，" + looking_back[4:]])
    assert headings(plans)[-1] == "二、下一步打算"
    lessons = sections_of([INTRO, PRACTICE, PRACTICE + "。", "实践体会：要坚持群众路线。", looking_back])
    assert headings(lessons) == ["基本情况", "主要做法", "实践启示"]


def test_a_section_cut_off_after_its_heading_is_left_out():
    sections = [
        Section("背景", "基本情况", [INTRO], added=True),
        Section("做法", "二、主要做法", [PRACTICE]),
        Section("成效", "三、初步成效", ["翁源县实施的“农村党员创业示范工程”，积极培育"]),
    ]
    assert drop_cut_off_section(sections) == (sections[:2], "三、初步成效")
    whole = sections[:2] + [Section("成效", "三、初步成效", [PRACTICE[:-1] * 3])]
    assert drop_cut_off_section(whole) == (whole, "")  # a long text cut off is still content


def figures(text):
    return [(f.label, f.value, f.unit, f.year) for f in key_figures([text])]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "目前，全县建立关怀理事会92个、户联理事会1001个。",
            [("关怀理事会", "92", "个", None), ("户联理事会", "1001", "个", None)],
        ),
        (
            "组织引导293个机关党组织与167个农村支部结成对子。",
            [("机关党组织", "293", "个", None), ("农村支部", "167", "个", None)],
        ),
        # the value as written: approximations, multipliers, decimals
        (
            "全市共有强居、企业向联合村投入资金5亿多元，拉动民间投资3000多万元，结对群众1.29万名，参会300余人。",
            [
                ("企业向联合村投入资金", "5亿多", "元", None),
                ("拉动民间投资", "3000多", "万元", None),
                ("结对群众", "1.29", "万名", None),
                ("参会", "300余", "人", None),
            ],
        ),
        # the values of a list share what they count; the year of the sentence goes with them
        (
            "到2005年底，苏州、无锡、常州三市的城市化率分别达65%、67%、60%。",
            [
                ("常州三市的城市化率分别", "65", "%", 2005),
                ("常州三市的城市化率分别", "67", "%", 2005),
                ("常州三市的城市化率分别", "60", "%", 2005),
            ],
        ),
        # rates, ranges and an example's small counts are not key figures
        (
            "为创业带头人发放了每人3至5万元的贴息贷款，按1000元/场的标准补助，每户推选理事1-2名，理事长带领3名理事上门。",
            [],
        ),
        # but a small count the text stresses as a whole is a state of things (not one of each)
        (
            "全村共有党员42名，其中35岁以下的仅6名，只有2名大学生村官，每个理事会共有5名理事。",
            [("全村共有党员", "42", "名", None), ("35岁以下的党员", "6", "名", None), ("大学生村官", "2", "名", None)],
        ),
        # nor are thresholds and targets
        ("每个社区建设面积不少于1000平方米的服务中心，集体经济收入5万元以上的村，力争达标率达到90%。", []),
        # full-width digits, kept as written; percentage points are their own unit
        (
            "全市有老旧小区６１２个，满意度较2016年提高11.5个百分点。",
            [("老旧小区", "６１２", "个", None), ("满意度较2016年提高", "11.5", "个百分点", 2016)],
        ),
        (  # the noun a count measures, not the clause before it, nor a verb or a manner
            "在全县361个行政村推行，以出租、入股等方式流转土地3.2万亩。兴山县92个村(居委会)中，有集体经济收入的只有32个。",
            [
                ("行政村", "361", "个", None),
                ("流转土地", "3.2", "万亩", None),
                ("村(居委会)", "92", "个", None),
                ("有集体经济收入的", "32", "个", None),
            ],
        ),
        # both ends of a change measure what changed; a year a stretch of work began is not a
        # figure's year, and the figure's own year is not part of its label
        (
            "全村人均年收入从2017年的6000元增加到2021年的1.2万元。",
            [("全村人均年收入", "6000", "元", 2017), ("全村人均年收入", "1.2", "万元", 2021)],
        ),
        ("2018年以来，村里先后成立3个专业合作社，带动村民就业120名。", [("带动村民就业", "120", "名", None)]),
        ("2022年村集体经济收入达到35万元。", [("村集体经济收入", "35", "万元", 2022)]),
        ("全村从事养殖的农户增加到120户。", [("全村从事养殖的农户", "120", "户", None)]),  # 从事: no change
        ("2021年度村集体经济收入达到35万元。", [("村集体经济收入", "35", "万元", 2021)]),
        # a label that leaves out the noun the figure before it named gets it back, not a scope
        (
            "村党支部现有党员58名，60岁以上的31名。",
            [("村党支部现有党员", "58", "名", None), ("60岁以上的党员", "31", "名", None)],
        ),
        (
            "全村1860人，其中常年外出务工的有742人。",
            [("全村", "1860", "人", None), ("常年外出务工的", "742", "人", None)],
        ),
    ],
)
def test_key_figures_are_results_with_what_they_count(text, expected):
    assert figures(text) == expected


def test_key_figures_are_bounded_whatever_the_text():
    assert len(key_figures(["全县建立协会12个。" * 500])) == 1  # the same figure once
    assert len(key_figures([f"第{n}村建立协会{n + 10}个。" for n in range(200)])) == MAX_FIGURES
    assert key_figures(["1个" * 100000]) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("推行“两会两评”模式……“两会两评”成效明显……“户联理事会”", "两会两评"),
        # quoted once, then used unquoted
        ("探索建立的“城乡联合党组织”……城乡联合党组织……城乡联合党组织……城乡联合党组织……", "城乡联合党组织"),
        ("事关“三农”……“三农”工作……“三农”问题", ""),  # a two-character catchword is not a model
        ("推行“一村一品”。", ""),
    ],
)
def test_model_name(text, expected):
    assert model_name("", text) == expected


def test_a_name_only_the_title_quotes_is_the_model_when_the_text_quotes_none():
    assert model_name("小山村：“党建+合作社”走出致富路", "村党支部把合作社建在产业链上。") == "党建+合作社"
    assert model_name("“两会两评”与“三联三帮”", "村党支部把合作社建在产业链上。") == ""  # which one?
    assert model_name("争当致富“领头雁”", "推行“一村一品”，一村一品。") == ""


UNSEEN = """首页 > 党建动态 > 正文
兴山县推行“村民说事”制度的实践与思考
发布时间：2015-06-01  来源：兴山党建网  浏览：322次
近年来，兴山县委坚持以人民为中心，在全县推行“村民说事”制度，着力破解农村基层治理难题。“村民说事”制度推行以来，群众反映的问题得到及时解决。
一、主要做法
（一）建立说事平台。每个村设立说事室，全县共建立说事室92个，明确专人负责。
（二）规范说事流程。按照“说、议、办、评”四个环节运行，做到件件有回音。
二、取得的成效
“村民说事”制度推行两年来，全县共受理群众说事1200多件，办结率达95%，化解矛盾纠纷300余起。
三、几点启示
一是必须坚持党的领导。二是必须坚持群众主体地位。
上一篇：某某村党建工作总结
下一篇：某某镇党建工作经验
版权所有 © 兴山党建网
"""


@pytest.mark.django_db
def test_a_report_the_rules_were_not_made_on_is_structured_by_them():
    [draft] = analyse(read_bytes("report.txt", UNSEEN.encode("gb18030"))).drafts
    assert (draft.title, draft.source_title) == ("兴山县“村民说事”制度", "兴山县推行“村民说事”制度的实践与思考")
    assert draft.region.full_name == "湖北省宜昌市兴山县" and draft.model_name == "村民说事"
    assert (draft.publisher, draft.date) == ("兴山党建网", "2015-06-01")
    assert [(s.kind, s.heading) for s in draft.sections] == [
        ("背景", "基本情况"),
        ("做法", "一、主要做法"),
        ("成效", "二、取得的成效"),
        ("启示", "三、几点启示"),
    ]
    # best first: the results, then the practice's total
    assert [(f.value, f.unit) for f in draft.figures] == [("1200多", "件"), ("95", "%"), ("92", "个")]
    assert not any("上一篇" in p or "版权" in p for p in draft.paragraphs)


OFFICIAL_REPORT = """中共兴山县委组织部

兴组文〔2019〕12号

兴山县推行“院落党小组”工作法

（2019年5月20日）

    近年来，我县在全县93个行政村推行“院落党小组”工作法，把党小组建在院落上，取得了较好成效。2017年以来，县委组织部先行试点。

一、主要做法

    以自然院落为单元，全县共划分院落党小组612个，每个党小组联系农户30至50户，党员在家门口发挥作用。

二、取得的成效

    2018年度全县群众对村级组织的满意度测评达96.2%，“院落党小组”工作法得到群众认可。

三、存在的问题

    部分党小组长年龄偏大、能力偏弱，作用发挥不够平衡。

四、下一步打算

    力争到２０２０年底，院落党小组规范化建设达标率达到90%以上。

抄送：宜昌市委组织部。
中共兴山县委组织部办公室　　　2019年5月20日印发
"""


def test_an_official_reports_head_and_end_are_its_metadata_not_its_text(db):
    result = analyse(read_bytes("report.txt", OFFICIAL_REPORT.encode("utf-8")))
    [draft] = result.drafts
    assert draft.source_title == "兴山县推行“院落党小组”工作法"
    assert (draft.publisher, draft.date) == ("中共兴山县委组织部", "2019-05-20")
    assert [(s.kind, s.heading) for s in draft.sections] == [
        ("背景", "基本情况"),
        ("做法", "一、主要做法"),
        ("成效", "二、取得的成效"),
        ("其他", "三、存在的问题"),
        ("其他", "四、下一步打算"),
    ]
    # started 2017, reported in its date's year (its text describes up to 2018; 2020 is a target)
    assert (draft.year_started, draft.year_reported) == (2017, 2019)
    assert not any("抄送" in paragraph or "印发" in paragraph for paragraph in draft.paragraphs)
    assert len(result.cleaned.removed_by("公文版头与版记")) == 5


def test_a_heading_without_a_number_run_into_its_first_sentence_is_split():
    glued = "搭建城乡互动桥梁近年来，商南县始终把基层党的建设作为凝聚人心、促进发展的重要措施。"
    assert split_run_in_heading(glued) == ("搭建城乡互动桥梁", glued[8:])
    # a subject before the time phrase, or no comma after it, is the sentence's own
    for sentence in (
        "兴山县委近年来，积极应对农村党建出现的新情况，取得了明显成效。",
        "农村集体经济近年来仍然薄弱，村级组织无钱办事，群众意见较大。",
    ):
        assert split_run_in_heading(sentence) is None


@pytest.mark.parametrize(
    "line, expected",
    [
        ("作者：王明 2019年5月20日", ("王明", "2019-05-20")),
        ("作者:王明2019-05-20", ("王明", "2019-05-20")),
        ("撰稿人：王明 日期：2019年5月20日", ("王明", "2019-05-20")),
        ("作者：县委组织部办公室 2019-05-20", ("县委组织部办公室", "2019-05-20")),
    ],
)
def test_a_byline_gives_its_author_and_its_date_apart(line, expected):
    text = "兴山县委积极应对农村党建出现的新情况，大胆探索“两会两评”模式，取得了明显成效。"
    author, _, date = metadata(clean(f"{text}\n{line}\n{text[:-1]}，群众满意。"))
    assert (author, date) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("自2018年县委组织部开始推行“党建+”模式，到2022年全县已有126个村。", (2018, 2022)),
        ("2019年以来，全县推行院落党小组，2021年覆盖所有村。", (2019, 2021)),
        ("2003年首创于榛子乡，2009年推广。", (None, 2009)),
    ],
)
def test_the_year_work_started_is_the_one_the_text_says_it_started(text, expected):
    assert years(text) == expected


def test_a_tables_cells_are_key_figures_labelled_by_row_and_column():
    rows = [
        "指标\t2019年\t2021年",
        "集体经济收入10万元以上嘎查村（个）\t58\t172",
        "嘎查村集体经济总收入（万元）\t2130\t8650",
    ]
    figures = [(f.label, f.value, f.unit, f.year) for f in key_figures(["全旗推行“三联三包”。", *rows])]
    assert figures == [
        ("集体经济收入10万元以上嘎查村", "58", "个", 2019),
        ("集体经济收入10万元以上嘎查村", "172", "个", 2021),
        ("嘎查村集体经济总收入", "2130", "万元", 2019),
        ("嘎查村集体经济总收入", "8650", "万元", 2021),
    ]  # and no threshold (10万元) read out of a row's name
    by_column = ["村\t党员（名）\t合作社（个）", "平水村\t86\t3"]
    assert [(f.label, f.value, f.unit) for f in key_figures(by_column)] == [
        ("平水村党员", "86", "名"),
        ("平水村合作社", "3", "个"),
    ]


def shown(*sections):
    chosen, others = chosen_figures([Section(kind, kind, list(paragraphs)) for kind, *paragraphs in sections])
    return [(f.label, f.value) for f in chosen], [(f.label, f.value) for f in others]


def test_the_figures_shown_are_totals_of_the_opening_and_the_results_before_details():
    chosen, others = shown(
        ("背景", "全县有行政村120个，其中集体经济空壳村35个。"),
        ("做法", "县里组建产业联盟16个。该村新建茶园100亩，安装路灯40盏。", "全县培训党员3000人次。"),
        ("成效", "两年来，全县累计带动就业5200人，集体经济收入增长40%。"),
        ("启示", "实践中形成制度12项。"),
    )
    # the opening and the results, then the practice's totals; the one village's story last
    assert [value for _, value in chosen[:5]] == ["120", "5200", "40", "35", "3000"]
    assert chosen[-1] == ("该村新建茶园", "100")
    # below nothing, a figure is shown only to make up FEWEST_SHOWN
    assert len(chosen) == FEWEST_SHOWN and others == [("安装路灯", "40")]


def test_a_breakdown_and_a_number_said_again_are_not_shown_when_there_are_enough():
    paragraphs = [
        "两年来，全县帮扶党员创业成效明显。",
        "目前全县已有种植15位种植兰花、70位种植果树，以及30位养猪等共120位农村党员被确定为帮扶对象。",
        "全县已建起联合党组织163个。村居联建的党组织共有54个；村企联建的58个；部门联建的51个。",
        *[f"全县建成{name}基地{number}个。" for name, number in zip("茶桑果菜药花渔牧竹稻麦", range(201, 212))],
        "为120名农村党员发放贷款。",
    ]
    chosen, others = shown(("成效", *paragraphs))
    values = [value for _, value in chosen]
    assert "120" in values and values.count("120") == 1
    assert not {"15", "70", "30", "54", "58", "51"} & set(values)
    assert {"15", "70", "30", "54", "58", "51"} <= {value for _, value in others}


def test_a_list_of_figures_is_no_breakdown_unless_the_text_says_so():
    chosen, others = shown(("成效", "全县培训党员3000人次、群众1200人次、骨干800人次，建成乡村振兴示范村12个。"))
    # no 其中 after the first, no 共 before a total; 乡村振兴示范村 is no one village's story
    assert [value for _, value in chosen] == ["3000", "1200", "800", "12"]


def test_at_most_shown_figures_are_shown_whatever_the_text():
    chosen, others = shown(("成效", *[f"全县建成第{n}类基地{n + 100}个。" for n in range(40)]))
    assert len(chosen) == SHOWN_FIGURES and len(others) == 40 - SHOWN_FIGURES
    assert chosen[0][1] == "100"  # ties keep the order of the text


def test_the_model_name_is_the_one_the_title_quotes_and_the_text_uses_once():
    body = "2018年以来，县委探索推行“支部+合作社+农户”模式，推动党建与茶产业深度融合，成效明显。"
    assert model_name("湄潭县：“支部+合作社+农户”推动茶产业党建融合发展", body) == "支部+合作社+农户"
    # or the one the opening quotes and the title names unquoted
    assert model_name("湄潭县推行支部+合作社+农户模式", body) == "支部+合作社+农户"
    assert model_name("湄潭县茶产业党建", body) == ""


@pytest.mark.parametrize(
    "text, expected",
    [
        ("全县126个村（社区）集体经济收入全部超过10万元。", ("村（社区）", "126")),
        ("全县126个行政村集体经济收入均达到10万元。", ("行政村", "126")),
        ("全县126个行政村集体经济组织全部建立。", ("行政村集体经济组织", "126")),  # nothing measured next
    ],
)
@pytest.mark.django_db  # the segmenter reads the vocabularies' words
def test_a_counts_noun_stops_where_the_sentence_measures_something_else(text, expected):
    assert expected == figures(text)[0][:2]


def test_a_label_begun_inside_a_bracket_loses_the_brackets_end():
    figures = key_figures(["全县126个村（社区）集体经济收入全部超过10万元，其中超过50万元的村达到42个。"])
    assert ("集体经济收入", "10", "万元") in [(f.label, f.value, f.unit) for f in figures]


LONG_TITLED = """四川省大邑县：“院落夜谈”让村务议事走进群众家门口，打通联系服务群众的最后一公里

大邑县某乡党委 2022年11月3日

2019年以来，大邑县某乡党委围绕村务管理不规范、干群沟通渠道不畅等问题，推行“院落夜谈”议事制度，每月在村民院坝召开夜间议事会。

一、定期议事，把会开到院坝里
每月15日晚，村党支部书记带领村“两委”成员到院坝主持议事。全乡9个村累计召开院落夜谈500场。
二、民事民议，让群众说了算
议事事项由群众提出，党支部梳理后形成清单，公开办理结果。
"""


@pytest.mark.django_db
def test_a_title_with_its_subtitle_on_one_line_and_an_issuers_line_set_apart_by_blank_lines():
    [draft] = analyse(read_bytes("case.txt", LONG_TITLED.encode("utf-8"))).drafts
    assert draft.source_title == LONG_TITLED.split("\n")[0]
    assert (draft.publisher, draft.date) == ("大邑县某乡党委", "2022-11-03")
    opening = draft.sections[0].paragraphs[0]
    assert opening.startswith("2019年以来") and opening.endswith("夜间议事会。")
    assert [section.heading for section in draft.sections[1:]] == [
        "一、定期议事，把会开到院坝里",
        "二、民事民议，让群众说了算",
    ]


@pytest.mark.django_db
def test_an_opening_sentence_going_on_after_a_colon_is_not_taken_for_a_long_title():
    opening = "近年来，兴山县古夫镇坚持以党建引领乡村振兴，在实践中不断总结，探索形成了以下几个方面的做法："
    text = f"{opening}\n\n一、建强班子\n{PRACTICE}\n二、带富群众\n{PRACTICE}\n"
    # Without a title line the text is refused, its editor told, rather than losing its opening.
    with pytest.raises(DocumentError, match="没有识别出案例正文"):
        analyse(read_bytes("case.txt", text.encode("utf-8")))


VILLAGE_TEXT = "于都县梓山镇桐溪村地处山区。桐溪村党支部推行“红色积分”。幸福社区党委牵头成立红色物业。"


@pytest.mark.parametrize(
    "title, unit",
    [
        ("桐溪村：“红色积分”激活流动党员队伍", ("桐溪村", "村")),
        ("梓山镇：党员联户", ("梓山镇", "乡镇")),
        ("幸福社区：红色物业", ("幸福社区", "社区")),
        # words ending like a place, which the text does not name as one
        ("小山村：“党建+合作社”", ("", "")),
        ("示范村：“红色积分”", ("", "")),
        ("城乡：联建", ("", "")),
        ("“红色积分”在桐溪村", ("", "")),
    ],
)
def test_a_kicker_naming_a_village_or_town_gives_the_unit_that_did_the_work(title, unit):
    assert local_unit(title, VILLAGE_TEXT) == unit


@pytest.mark.parametrize(
    "source_title", ["桐溪村：“红色积分”激活流动党员队伍", "兴山县桐溪村：“红色积分”激活流动党员队伍"]
)
def test_a_village_the_title_and_the_text_name_stays_in_the_case_title(regions, source_title):
    text = "兴山县古夫镇桐溪村地处山区，桐溪村党支部推行“红色积分”。"
    title = case_title(source_title, regions["兴山县"], PlaceFinder(regions.values()), "红色积分", text)
    assert title == "兴山县桐溪村“红色积分”"


@pytest.mark.parametrize(
    "opening, author",
    [
        ("王国生加快新农村建设步伐，全县上下", "王国生"),  # a name run into the text after the title
        # A place the text opens with is no byline, whichever dictionary word it begins with.
        ("石门村共有党员38名，其中", ""),
        ("高坪村党支部现有党员", ""),
        ("王家庄共有党员26名", ""),
        ("李庄村是一个山区村", ""),
        ("黄土岭村位于镇东", ""),
        ("金沙村地处城郊", ""),
        ("近年来，全县", ""),
    ],
)
@pytest.mark.django_db  # the segmenter's dictionary holds the domain's words
def test_a_byline_is_a_persons_name_and_never_a_place_the_text_opens_with(opening, author):
    signed, rest = split_byline([opening, "第二段"])
    assert (signed, rest) == (author, [opening[len(author) :], "第二段"])
