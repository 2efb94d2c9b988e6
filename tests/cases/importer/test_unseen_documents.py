"""Documents in the styles the importer meets, written after its rules (documents/README.md):
each imports with the place, title and sections an editor would give it, keeps its sentences
and loses its page noise."""

import re
from pathlib import Path

import pytest

from cases.importer.create import analyse
from cases.importer.decode import read_bytes

DOCUMENTS = Path(__file__).parent / "documents"

EXPECTED = {  # name → each draft's (title, region, [(section kind, heading)])
    "01_xingshan_report.txt": [
        (
            "兴山县“院落党小组”工作法",
            "湖北省宜昌市兴山县",
            [
                ("背景", "基本情况"),
                ("背景", "一、基本情况"),
                ("做法", "二、主要做法"),
                ("成效", "三、取得的成效"),
                ("其他", "四、存在的问题"),
                ("其他", "五、下一步打算"),
            ],
        )
    ],
    "02_shangnan_news.html": [
        (
            "商南县“党建+茶园”",
            "陕西省商洛市商南县",
            [
                ("背景", "基本情况"),
                ("做法", "党员带头，产业“种”下去"),
                ("做法", "支部领办，效益“提”上来"),
                ("做法", "利益联结，群众“富”起来"),
            ],
        )
    ],
    "03_zhucheng_docshare.txt": [
        (
            "诸城市农村社区党建工作经验",
            "山东省潍坊市诸城市",
            [
                ("背景", "基本情况"),
                ("做法", "一、调整组织设置，把党组织建在社区上"),
                ("做法", "二、建设服务中心，让党员群众办事不出社区"),
            ],
        )
    ],
    "04_anji_word.html": [
        (
            "安吉县“余村经验”",
            "浙江省湖州市安吉县",
            [("背景", "基本情况"), ("做法", "一、主要做法"), ("启示", "二、经验启示")],
        )
    ],
    "05_wuchang.docx": [
        (
            "五常市“四议两公开”",
            "黑龙江省哈尔滨市五常市",
            [
                ("背景", "背景与起因"),
                ("做法", "（一）严格执行“四议两公开”"),
                ("做法", "（二）把党支部建在稻米合作社上"),
                ("做法", "（三）强化监督问效"),
                ("启示", "几点体会"),
            ],
        )
    ],
    "06_yichang_gbk.txt": [
        (
            "宜昌市“红色物业”",
            "湖北省宜昌市",
            [
                ("背景", "基本情况"),
                ("做法", "（一）建强小区党组织"),
                ("做法", "（二）组建国有红色物业公司"),
                ("做法", "（三）建立“四方联动”机制"),
                ("成效", "（四）成效"),
            ],
        )
    ],
    "07_changzhou_big5.txt": [
        (
            "金坛区“网格党建”",
            "江苏省常州市金坛区",
            [
                ("背景", "基本情况"),
                ("做法", "一、网格划分到底"),
                ("做法", "二、服务下沉到户"),
                ("做法", "三、考核激励到人"),
            ],
        )
    ],
    "08_wuxi_hardwrap.txt": [
        (
            "无锡市锡山区“党建微家”",
            "江苏省无锡市锡山区",
            [("背景", "基本情况"), ("做法", "一、主要做法"), ("成效", "二、取得成效"), ("启示", "三、经验启示")],
        )
    ],
    "09_suzhou_lessons.txt": [
        (
            "苏州市吴江区农村党员“先锋指数”",
            "江苏省苏州市吴江区",
            [
                ("背景", "基本情况"),
                ("做法", "主要做法"),
                ("成效", "取得成效"),
                ("启示", "经验启示"),
                ("其他", "存在问题"),
                ("其他", "下一步打算"),
            ],
        )
    ],
    "10_wengyuan_feature.txt": [
        ("翁源县江尾镇党建引领兰花产业发展", "广东省韶关市翁源县", [("背景", "基本情况"), ("做法", "主要做法")])
    ],
    "11_wechat_guangshan.html": [
        (
            "光山县“党员联户·一线通”",
            "河南省信阳市光山县",
            [
                ("背景", "基本情况"),
                ("做法", "划片联户，织密服务“一张网”"),
                ("做法", "一线收集，畅通诉求“直通车”"),
                ("做法", "激励保障，激发党员“新活力”"),
            ],
        )
    ],
    "12_pdf_meitan.txt": [
        (
            "湄潭县“支部+合作社+农户”",
            "贵州省遵义市湄潭县",
            [("背景", "一、基本情况"), ("做法", "二、主要做法"), ("成效", "三、取得成效"), ("启示", "四、经验启示")],
        )
    ],
    "13_speech_anding.txt": [
        (
            "安定区“三级联创”",
            "甘肃省定西市安定区",
            [
                ("背景", "基本情况"),
                ("做法", "一、坚持高位推动，在“建”字上下功夫"),
                ("做法", "二、坚持选优配强，在“人”字上做文章"),
                ("做法", "三、坚持产业富民，在“富”字上求突破"),
            ],
        )
    ],
    "14_collection.txt": [
        ("安吉县“两山”党建联盟", "浙江省湖州市安吉县", [("背景", "基本情况"), ("做法", "主要做法")]),
        ("苍溪县“红色代办员”", "四川省广元市苍溪县", [("背景", "基本情况"), ("成效", "主要成效")]),
        ("井冈山市用好红色资源建强基层党组织", "江西省吉安市井冈山市", [("背景", "基本情况"), ("做法", "主要做法")]),
    ],
    "15_numbered_pidu.txt": [
        (
            "成都市郫都区唐昌镇战旗村基层党建工作案例",
            "四川省成都市郫都区",
            [("背景", "一、基本情况"), ("做法", "二、主要做法"), ("成效", "三、取得成效"), ("启示", "四、经验启示")],
        )
    ],
    "16_trad_tengchong.txt": [
        (
            "腾冲市「党建＋旅游」",
            "云南省保山市腾冲市",
            [
                ("背景", "基本情况"),
                ("做法", "一、组织引领，把支部建在景区上"),
                ("做法", "二、利益联结，让群众共享旅游红利"),
                ("做法", "三、治理联动，守护边境安宁"),
            ],
        )
    ],
    "17_table_zhungeer.html": [
        (
            "准格尔旗“三联三包”",
            "内蒙古自治区鄂尔多斯市准格尔旗",
            [
                ("背景", "基本情况"),
                ("做法", "一、上下联动，压实责任链条"),
                ("做法", "二、因村施策，拓宽增收渠道"),
                ("做法", "三、严管善用，确保资产保值增值"),
            ],
        )
    ],
    "18_brief_tunliu.txt": [("屯留区“党建+网格”", "山西省长治市屯留区", [("背景", "基本情况"), ("做法", "主要做法")])],
}
# What no draft may hold: page chrome, an official document's head and end, bylines, captions,
# a social account's calls to action, a speech's formulas, a journal's address.
NOISE = re.compile(
    r"当前位置|首页|下载|举报|分享|打印|浏览|ICP|版权|上传人|上传时间|原创力文档|相关新闻|相关链接|上一篇|下一篇|"
    r"抄送|印发|共印|联系人|电话[:：]|责任编辑|执笔|供稿|兴组文|简报（第|图1|¥|\(xiang\)|文档简介|"
    r"关注我们|二维码|阅读原文|在看|光山组工|尊敬的|谢谢大家|批评指正|本刊地址|邮编|本报讯|- END -"
)
# Sentences, headings and table rows that look like noise and must stay.
KEPT = {
    "09_suzhou_lessons.txt": [
        "时间：每月15日为固定主题党日",
        "资金来源：村集体自筹与财政补助相结合",
        "“红色代办”一站式登录服务",
    ],
    "03_zhucheng_docshare.txt": ["诸城市是全国较早推行农村社区化服务与建设的县市之一"],
    "11_wechat_guangshan.html": ["群众诉求", "98.6%"],
    "12_pdf_meitan.txt": ["集体经济收入全部超过10万元"],
    "17_table_zhungeer.html": ["集体经济收入10万元以上嘎查村（个）\t58\t172"],
}


def drafts_of(name):
    return analyse(read_bytes(name, (DOCUMENTS / name).read_bytes())).drafts


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPECTED)
def test_an_unseen_document_imports_as_an_editor_would_structure_it(name):
    drafts = drafts_of(name)
    assert [
        (draft.title, draft.region.full_name, [(s.kind, s.heading) for s in draft.sections]) for draft in drafts
    ] == EXPECTED[name]
    text = "\n".join(part for draft in drafts for part in [draft.title, draft.summary, *draft.paragraphs])
    assert NOISE.findall(text) == []
    for kept in KEPT.get(name, []):
        assert kept in "\n".join(
            part for draft in drafts for part in draft.paragraphs + [s.heading for s in draft.sections]
        )


@pytest.mark.django_db
def test_the_metadata_of_unseen_documents():
    def meta(name):
        [draft] = drafts_of(name)
        return draft.author, draft.publisher, draft.date

    assert meta("01_xingshan_report.txt") == ("", "中共兴山县委组织部", "2019-05-20")
    assert meta("02_shangnan_news.html") == ("刘晓燕", "陕西日报", "2021-06-18")
    assert meta("04_anji_word.html") == ("沈丽萍", "中共安吉县委组织部", "")
    assert meta("11_wechat_guangshan.html") == ("", "光山县委组织部", "2023-06-15")
    assert meta("12_pdf_meitan.txt")[0] == "刘洋"  # "执笔：遵义市委组织部 刘  洋"
    assert meta("16_trad_tengchong.txt")[2] == "2023-04-12"  # full-width digits
    assert meta("18_brief_tunliu.txt")[0] == "赵晓峰"  # 本报讯（记者 赵晓峰 通讯员 郭丽）
    assert drafts_of("06_yichang_gbk.txt")[0].model_name == "红色物业"
    # regions the taxonomy did not have are offered, to be added with the draft
    assert drafts_of("04_anji_word.html")[0].region.pk is None
