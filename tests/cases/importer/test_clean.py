"""Each cleaning rule: what it removes, joins or re-paragraphs, and what it must keep."""

import pytest

from cases.importer.clean import chinese_punctuation, clean, fix_spacing
from search.text import to_simplified

A = "五常市委组织部在总结二河乡新庄村首创的模式试点经验基础上，从2007年起将此模式正式定名为农村党建“1+3模式”在全市探索实施。"
B = "截止目前，五常市农村已建立各类农民专业合作社751个，吸纳社员126928人；建立农民工工会260个，发展会员85631人。"


@pytest.mark.parametrize(
    "noise, rule",
    [
        ("当前位置：首页 > 党建工作 > 正文", "面包屑导航"),
        ("首页 > 党建扶贫 > 正文", "面包屑导航"),
        ("下载此文档", "按钮与链接"),
        ("举报", "按钮与链接"),
        ("分享到：微信 微博", "按钮与链接"),
        ("【打印正文】", "按钮与链接"),
        ("【打印正文】【关闭窗口】", "按钮与链接"),
        ("浏览:219次", "阅读与页码计数"),
        ("浏览：２１９次", "阅读与页码计数"),  # full-width digits and colon alike
        ("第1页", "阅读与页码计数"),
        ("第1頁", "阅读与页码计数"),  # Traditional alike
        ("1/3", "阅读与页码计数"),
        ("已阅读5页,还剩1页未读", "阅读与页码计数"),
        ("积极探索农村社区党建工作新模式.doc_第1页", "文件名与页码列表"),
        ("发布时间：2018-11-12", "发布信息"),
        ("来源:五常信息网", "发布信息"),
        ("2017-03-16 18:04:01    来源:五常信息网   转载", "发布信息"),
        ("版权所有 © 2008-2022 某某网", "版权与网站页脚"),
        ("经营许可证编号:鄂ICP备2022015515号-1", "版权与网站页脚"),
        ("声明 本文由村网通注册会员上传并发布,不代表本站立场。", "版权与网站页脚"),
        ("誉仓米订购电话:13105357576", "电话与广告"),
        ("企业logo.jpg", "图片与图片说明"),
        ("图为村党支部书记走访群众", "图片与图片说明"),
        ("（张三 摄）", "图片与图片说明"),
        ("关键词：党建,农村,合作社", "关键词行"),
        ("党建 农村党建 合作社 基层党建 模式", "关键词行"),
        ("(本报通讯员 周银祥 王峰 本报记者 李岚)", "署名"),
        ("|", "页面残留符号"),
        ("0/150", "阅读与页码计数"),
        ("•", "页面残留符号"),
        ("资源描述:", "页面残留符号"),
        # an official document's head and end
        ("中共兴山县委组织部", "公文版头与版记"),
        ("兴组文〔2019〕12号", "公文版头与版记"),
        ("（2019年5月20日）", "公文版头与版记"),
        ("宜昌市委组织部２０２０年１１月", "公文版头与版记"),
        ("兴山县古夫镇党委 2012年5月3日", "公文版头与版记"),
        ("抄送：宜昌市委组织部。", "公文版头与版记"),
        ("中共兴山县委组织部办公室　　2019年5月20日印发", "公文版头与版记"),
        ("（共印30份）", "公文版头与版记"),
        ("（责任编辑：王薇）", "署名"),
        ("（执笔：沈丽萍）", "署名"),
        ("哈尔滨市委组织部 供稿", "署名"),
        ("原创力文档", "版权与网站页脚"),
        ("图1　五常市民乐朝鲜族乡合作社党支部开展“田间党课”", "图片与图片说明"),
        ("无锡市党建工作简报（第12期）", "公文版头与版记"),
        # speeches, social accounts, journals
        ("尊敬的各位领导，同志们：", "讲话的称呼与致谢"),
        ("谢谢大家！", "讲话的称呼与致谢"),
        ("以上发言，不妥之处，恳请批评指正。", "讲话的称呼与致谢"),
        ("点击上方蓝字“光山组工”关注我们", "按钮与链接"),
        ("长按识别二维码关注我们", "按钮与链接"),
        ("本刊地址：北京市西城区西单北大街  邮编：100032", "版权与网站页脚"),
        ("- END -", "页面残留符号"),
        ("2023-06-15 18:30", "发布信息"),
        ("发表于河南", "发布信息"),
    ],
)
def test_a_noise_line_is_removed_by_its_rule(noise, rule):
    cleaned = clean(f"{A}\n{noise}\n{B}")
    assert cleaned.paragraphs == [A, B]
    assert [(item.rule, item.text) for item in cleaned.removed] == [(rule, to_simplified(noise))]


@pytest.mark.parametrize(
    "marker", ["推荐阅读", "相关文章", "温馨提示:", "上一篇：某村经验", "下一篇：某镇做法", "相关新闻", "往期回顾"]
)
def test_a_trailing_block_goes_with_its_items(marker):
    cleaned = clean(f"{A}\n{B}\n{marker}\n1. 本站资源仅供参考。\n某某村党建工作总结\n• 某镇党建经验")
    assert cleaned.paragraphs == [A, B]
    assert {item.rule for item in cleaned.removed} == {"推荐阅读、提示与评论区"}


def test_text_that_looks_like_noise_is_kept():
    kept = [
        "建立精神文明协会260个,会员达73458人。",
        "在实践中我们得到如下启示:加强和创新农村社会管理。",
        "推广农村党建“两会两评”模式",
        "二、主要做法",
        "全县各乡镇党委",  # a township's 党委 without a date is not an issuer's line
    ]
    assert clean("\n".join(kept)).paragraphs == [
        "建立精神文明协会260个，会员达73458人。",
        "在实践中我们得到如下启示：加强和创新农村社会管理。",
        "推广农村党建“两会两评”模式",
        "二、主要做法",
        "全县各乡镇党委",
    ]


@pytest.mark.parametrize(
    "line",
    [
        # sentences that start like a publishing line
        "时间：每月15日为固定主题党日，党员集中学习、交流心得。",
        "资金来源：村集体自筹与财政补助相结合，县财政每年补助20万元。",
        # a heading ending in 局 is not an issuing body
        "构建城乡共建格局",
        # a heading holding a button's word, with text under it
        "“红色代办”一站式登录服务",
    ],
)
def test_text_that_starts_or_ends_like_noise_is_kept(line):
    assert clean(f"{A}\n{line}\n{B}").paragraphs == [A, line, B]


def test_a_document_sites_teaser_goes_with_its_heading_but_the_text_under_it_stays():
    teaser = A[:40] + "……"
    cleaned = clean(f"文档简介\n{teaser}\n{A}\n{B}")
    assert cleaned.paragraphs == [A, B]
    assert [(item.rule, item.text) for item in cleaned.removed] == [("页面残留符号", "文档简介"), ("文档简介", teaser)]
    # a site that puts the text itself under the heading loses none of it
    assert clean(f"文档简介\n{A}\n{B}").paragraphs == [A, B]


def test_a_news_dateline_goes_before_the_first_sentence():
    cleaned = clean(f"本报讯（记者 赵晓峰 通讯员 郭丽）{A}\n{B}")
    assert cleaned.paragraphs == [A, B]
    assert [(item.rule, item.text) for item in cleaned.removed] == [("电头", "本报讯（记者 赵晓峰 通讯员 郭丽）")]


def test_a_name_heading_the_page_twice_is_the_sites_not_the_texts():
    cleaned = clean(f"党员联户一线通\n光山组工\n光山组工\n{A}\n{B}")
    assert cleaned.paragraphs == ["党员联户一线通", A, B]
    assert cleaned.removed_by("网站或公众号名称") == ["光山组工"]
    # a short title written twice is the text's
    assert clean(f"两会两评\n两会两评\n{A}").removed_by("网站或公众号名称") == []


def test_a_pdfs_spaces_around_numbers_are_closed_up_and_not_taken_for_keywords():
    assert clean(f"{A}\n集体经济收入全部超过 10 万元，其中超过 50 万元的村达到 42 个。\n{B}").paragraphs == [
        A,
        "集体经济收入全部超过10万元，其中超过50万元的村达到42个。",
        B,
    ]


# A PDF's text in layout mode (pypdf) under a big title that wraps (Chromium's prints of a
# seed's title at 36 and 48 pt, centred; one from the margin; one centred under a running head):
# the body's paragraphs start indented.
@pytest.mark.parametrize(
    "title",
    [
        "湖北兴山:推广农村党建“两\n            会两评”模式\n\n\n\n",
        "湖北兴山:推广农村党\n 建“两会两评”模式\n\n\n\n\n",
        "湖北兴山:推广农村党建“两\n会两评”模式\n\n",
        "              兴山县委组织部 工作简报\n\n  湖北兴山:推广农村党建“两\n    会两评”模式\n\n\n",
    ],
)
def test_a_title_wrapped_over_a_pdfs_lines_is_one_paragraph(title):
    paragraphs = clean(f"{title}基本情况\n\n  {A}\n\n  {B}\n").paragraphs
    assert paragraphs[-4:] == ["湖北兴山：推广农村党建“两会两评”模式", "基本情况", A, B]


@pytest.mark.parametrize(
    "opening",
    [
        "        兴山县农村党建\n        两会两评模式\n\n",  # a centred title and a centred line under it
        "湖北兴山:推广农村党建两会两评\n两会两评模式\n\n",  # two lines from the margin
        "湖北兴山:推广农村党建两会两评\n        ——兴山县委组织部的报告\n\n",  # a subtitle (its own rule)
        "湖北兴山:推广农村党建两会两评\n        两会两评模式\n",  # no blank line below: running text
        "湖北兴山推广农村党建两会两评。\n        两会两评模式\n\n",  # a sentence
        "湖北兴山:推广农村党建“两会两评\n        兴山县委组织部  2023-05-12\n\n",  # a byline and its date
        "一、基本情况“两会\n    两评”的由来\n\n",  # a numbered heading
    ],
)
def test_only_a_wrapped_title_is_joined_across_its_lines(opening):
    assert len(clean(f"{opening}  {A}\n\n  {B}\n").paragraphs) >= 4


def test_a_letter_spaced_heading_is_closed_up_not_taken_for_keywords():
    cleaned = clean(f"{A}\n三、经 验 启 示\n{B}")
    assert cleaned.paragraphs == [A, "三、经验启示", B]


def test_a_tables_row_of_figures_is_kept_whatever_its_words_but_not_a_button_bar():
    rows = ["指标\t2017年\t2018年", "注册用户（万人）\t12.1\t26.5", "下载次数\t3\t5"]
    assert clean("\n".join([A, *rows, B])).paragraphs == [A, *rows, B]
    assert clean("\n".join([A, "打印本页\t关闭窗口", "分享到：\t微信\t微博", B])).paragraphs == [A, B]


def test_a_button_word_alone_or_without_text_under_it_goes():
    cleaned = clean(f"{A}\n【打印本页】【关闭窗口】\n扫一扫在手机打开当前页\n{B}")
    assert cleaned.paragraphs == [A, B]


def test_pinyin_notes_are_removed_and_traditional_converted():
    cleaned = clean("城鄉(xiāng)黨建互幫互助交流。" * 3)
    assert cleaned.paragraphs == ["城乡党建互帮互助交流。" * 3]
    assert cleaned.traditional


def test_hard_line_breaks_are_joined_into_paragraphs():
    first, second = A + B, B + A
    heading = "搭建城乡互动桥梁"
    lines = (
        [first[i : i + 24] for i in range(0, len(first), 24)]
        + [heading]
        + [second[i : i + 24] for i in range(0, len(second), 24)]
    )
    assert clean("\n".join(lines)).paragraphs == [first, heading, second]


def test_a_heading_after_a_full_line_that_ends_a_sentence_is_not_joined_to_it():
    def wrapped(text):
        text = text[: len(text) // 24 * 24 - 1] + "。"  # its last line full, ending the sentence
        return text, [text[i : i + 24] for i in range(0, len(text), 24)]

    (first, first_lines), (second, second_lines) = wrapped(A + B), wrapped(B + A)
    cleaned = clean("\n".join(first_lines + ["三、经验启示"] + second_lines))
    assert cleaned.paragraphs == [first, "三、经验启示", second]


def test_sentence_per_line_is_regrouped_by_markers_and_indents():
    sentences = [
        "一、服务群众缺“配套”。",
        "服务人员与群众需求不配套。",
        "   通过准确把脉,县委认识到:",
        "这些问题必须尽快解决。",
        "二、主要做法",
    ] + [f"第{n}句说明了情况。" for n in range(20)]
    cleaned = clean("\n\n".join(sentences))
    assert cleaned.paragraphs[:3] == [
        "一、服务群众缺“配套”。服务人员与群众需求不配套。",
        "通过准确把脉，县委认识到：这些问题必须尽快解决。",
        "二、主要做法",
    ]


def test_words_split_across_lines_and_closing_quotes_rejoin():
    cleaned = clean(
        "党的十一届三中全会以来,国家在农村实行了家庭联产承包、综合配套改革、两免一补等政\n策。\n“这年头没把米,连鸡都唤不来。\n”基层组织的凝聚力下降。"
    )
    assert cleaned.paragraphs == [
        "党的十一届三中全会以来，国家在农村实行了家庭联产承包、综合配套改革、两免一补等政策。",
        "“这年头没把米，连鸡都唤不来。”基层组织的凝聚力下降。",
    ]


def test_numbered_page_fragments_are_joined_and_the_template_label_dropped():
    body = (A + B) * 3
    chunks = [body[i : i + 90] for i in range(0, len(body), 90)]
    text = "\n\n".join(f"{n}、{'精品文章' if n == 1 else ''}{chunk}" for n, chunk in enumerate(chunks, 1))
    cleaned = clean(text)
    assert "".join(cleaned.paragraphs) == body
    assert ("网站模板字样", "精品文章") in [(item.rule, item.text) for item in cleaned.removed]


def test_an_ordinary_numbered_list_is_left_alone():
    items = ["1、加强组织领导。", "2、完善工作机制。", "3、强化考核问效。"]
    assert clean("\n".join(items)).paragraphs == items


def test_run_on_text_is_cut_at_its_points():
    run_on = A * 4 + "(一)城乡联合党组织的设置模式。" + B * 2 + "二是党内互助机制。" + B * 2
    assert clean(run_on).paragraphs == [A * 4, "（一）城乡联合党组织的设置模式。" + B * 2, "二是党内互助机制。" + B * 2]


@pytest.mark.parametrize(
    "raw, fixed",
    [
        ("2018 年11 月12 日", "2018年11月12日"),
        ("实施“155 ”工程", "实施“155”工程"),
        ("你好我好大家好, “个别党员”", "你好我好大家好,“个别党员”"),
        ("党 建 工 作 创 新 经 验", "党建工作创新经验"),
        ("Party building 党建", "Party building 党建"),
    ],
)
def test_pdf_spacing(raw, fixed):
    assert fix_spacing(raw) == fixed


def test_a_repeated_title_or_lead_paragraph_is_dropped_once():
    cleaned = clean(f"农村党建工作新模式探索\n{A}\n农村党建工作新模式探索\n{A}\n{B}")
    assert cleaned.paragraphs == ["农村党建工作新模式探索", A, B]
    assert [item.rule for item in cleaned.removed] == ["重复的标题或段落"] * 2


def test_a_block_inside_the_article_ends_where_the_text_resumes_under_its_heading():
    cleaned = clean(f"{A}\n推荐阅读\n某某村党建工作总结\n二、主要做法\n{B}")
    assert cleaned.paragraphs == [A, "二、主要做法", B]
    assert [item.text for item in cleaned.removed] == ["推荐阅读", "某某村党建工作总结"]


def test_a_block_inside_hard_wrapped_text_takes_no_wrapped_line():
    text = (A + B) * 4
    lines = [text[i : i + 30] for i in range(0, len(text), 30)]
    lines.insert(6, "上一篇：某某村党建工作总结")
    cleaned = clean("\n".join(lines))
    assert cleaned.paragraphs == [text]
    assert [item.text for item in cleaned.removed] == ["上一篇：某某村党建工作总结"]


# --- text out of a PDF ---------------------------------------------------------------------------

C = "联合党组织的书记由城区党支部书记担任，被联合的弱村党支部书记任副书记。"
D = "每月召开一次联席会议，总结交流情况，研究解决问题，推动健康发展。"


def test_running_heads_and_page_numbers_go_on_every_page():
    pages = [
        f"兴山县基层党建简报\n{A}\n— 1 —",
        f"兴山县基层党建简报\n{B}\n第 2 页 共 3 页",
        f"兴山县基层党建简报\n{C}\n3",
    ]
    cleaned = clean("\n".join(pages))
    assert cleaned.paragraphs == [A, B, C]
    assert cleaned.removed_by("页眉页脚") == ["兴山县基层党建简报"] * 3


def test_a_running_foot_after_the_text_goes_at_page_breaks():
    # a PDF's text layer: the head printed at each page's end, pages apart by a form feed
    pages = [f"{A}\n{B}\n{C}\n{D}\n党建工作交流材料" for _ in range(3)]
    cleaned = clean("\n\f".join(pages))
    assert cleaned.removed_by("页眉页脚") == ["党建工作交流材料"] * 3  # the last page's too
    assert "党建工作交流材料" not in cleaned.paragraphs


def test_a_year_or_a_section_number_alone_is_no_page_number():
    # numbers that do not rise page by page: no page edges, so no running lines either
    text = f"01\n主要做法\n{A}\n2023\n主要做法\n{B}\n01\n主要做法\n{C}"
    assert clean(text).paragraphs.count("主要做法") == 3


def test_a_heading_atop_a_few_pages_stays():
    pages = [f"主要做法\n{A}\n1", f"{B}\n2", f"主要做法\n{C}\n3", f"{A}{B}\n4"]
    assert clean("\n".join(pages)).paragraphs.count("主要做法") == 2


def test_ascii_punctuation_in_chinese_text_becomes_chinese():
    assert chinese_punctuation("通过准确把脉,县委认识到:2003年首创;有无成效?(单位)") == (
        "通过准确把脉，县委认识到：2003年首创；有无成效？（单位）"
    )
    # numbers, ratios and Latin text keep theirs
    assert chinese_punctuation("投入1,200万元,比例2:1,见 Fig. 3 (a)") == "投入1,200万元，比例2:1，见 Fig. 3 (a)"


def test_a_point_after_a_full_line_that_ends_a_sentence_starts_a_paragraph():
    width = 24
    first = (A + B)[: 3 * width - 1] + "。"  # three full lines, the last ending the sentence
    second = "二是" + B
    lines = [first[i : i + width] for i in range(0, len(first), width)]
    lines += [second[i : i + width] for i in range(0, len(second), width)]
    lines += ["这" * (width - 14) + "它给我们带来四个方面的启示："]  # a full line ending with a colon
    lines += ["一、农村党建必须发挥支部战斗堡垒作用。"] + [A[i : i + width] for i in range(0, len(A), width)]
    paragraphs = clean("\n".join(lines)).paragraphs
    assert paragraphs[:2] == [first, second]
    assert paragraphs[2].endswith("启示：") and paragraphs[3].startswith("一、农村党建")
