"""Documents in the styles the importer meets, written after its rules (documents/README.md):
each imports with the place, title and sections an editor would give it, keeps its sentences
and loses its page noise."""

import re
from pathlib import Path

import pytest

from cases.importer.create import analyse
from cases.importer.decode import read_bytes

DOCUMENTS = Path(__file__).parent / "documents"

EXPECTED = {
    "01_xingshan_report.txt": (
        "兴山县“院落党小组”工作法", "湖北省宜昌市兴山县",
        [("背景", "基本情况"), ("背景", "一、基本情况"), ("做法", "二、主要做法"), ("成效", "三、取得的成效"),
         ("其他", "四、存在的问题"), ("其他", "五、下一步打算")]),
    "02_shangnan_news.html": (
        "商南县“党建+茶园”", "陕西省商洛市商南县",
        [("背景", "基本情况"), ("做法", "党员带头，产业“种”下去"), ("做法", "支部领办，效益“提”上来"),
         ("做法", "利益联结，群众“富”起来")]),
    "03_zhucheng_docshare.txt": (
        "诸城市农村社区党建工作经验", "山东省潍坊市诸城市",
        [("背景", "基本情况"), ("做法", "一、调整组织设置，把党组织建在社区上"),
         ("做法", "二、建设服务中心，让党员群众办事不出社区")]),
    "04_anji_word.html": (
        "安吉县“余村经验”", "浙江省湖州市安吉县",
        [("背景", "基本情况"), ("做法", "一、主要做法"), ("启示", "二、经验启示")]),
    "05_wuchang.docx": (
        "五常市“四议两公开”", "黑龙江省哈尔滨市五常市",
        [("背景", "背景与起因"), ("做法", "（一）严格执行“四议两公开”"), ("做法", "（二）把党支部建在稻米合作社上"),
         ("做法", "（三）强化监督问效"), ("启示", "几点体会")]),
    "06_yichang_gbk.txt": (
        "宜昌市“红色物业”", "湖北省宜昌市",
        [("背景", "基本情况"), ("做法", "（一）建强小区党组织"), ("做法", "（二）组建国有红色物业公司"),
         ("做法", "（三）建立“四方联动”机制"), ("成效", "（四）成效")]),
    "07_changzhou_big5.txt": (
        "金坛区“网格党建”", "江苏省常州市金坛区",
        [("背景", "基本情况"), ("做法", "一、网格划分到底"), ("做法", "二、服务下沉到户"), ("做法", "三、考核激励到人")]),
    "08_wuxi_hardwrap.txt": (
        "无锡市锡山区“党建微家”", "江苏省无锡市锡山区",
        [("背景", "基本情况"), ("做法", "一、主要做法"), ("成效", "二、取得成效"), ("启示", "三、经验启示")]),
    "09_suzhou_lessons.txt": (
        "苏州市吴江区农村党员“先锋指数”", "江苏省苏州市吴江区",
        [("背景", "基本情况"), ("做法", "主要做法"), ("成效", "取得成效"), ("启示", "经验启示"), ("其他", "存在问题"),
         ("其他", "下一步打算")]),
    "10_wengyuan_feature.txt": (
        "翁源县江尾镇党建引领兰花产业发展纪实", "广东省韶关市翁源县", [("背景", "基本情况"), ("做法", "主要做法")]),
}
# What no draft may hold: page chrome, an official document's head and end, bylines, captions.
NOISE = re.compile(r"当前位置|首页|下载|举报|分享|打印|浏览|ICP|版权|上传|原创力文档|相关新闻|相关链接|上一篇|下一篇|"
                   r"抄送|印发|共印|联系人|电话|责任编辑|执笔|供稿|兴组文|简报（第|图1|¥|\(xiang\)|文档简介")
# Sentences and headings that look like noise and must stay.
KEPT = {
    "09_suzhou_lessons.txt": ["时间：每月15日为固定主题党日", "资金来源：村集体自筹与财政补助相结合", "“红色代办”一站式登录服务"],
    "03_zhucheng_docshare.txt": ["诸城市是全国较早推行农村社区化服务与建设的县市之一"],
}


def draft_of(name):
    [draft] = analyse(read_bytes(name, (DOCUMENTS / name).read_bytes())).drafts
    return draft


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPECTED)
def test_an_unseen_document_imports_as_an_editor_would_structure_it(name):
    title, region, sections = EXPECTED[name]
    draft = draft_of(name)
    assert (draft.title, draft.region.full_name) == (title, region)
    assert [(section.kind, section.heading) for section in draft.sections] == sections
    text = "\n".join([draft.title, draft.summary, *draft.paragraphs])
    assert NOISE.findall(text) == []
    for kept in KEPT.get(name, []):
        assert kept in "\n".join(draft.paragraphs + [s.heading for s in draft.sections])


@pytest.mark.django_db
def test_the_metadata_of_unseen_documents():
    def meta(name):
        draft = draft_of(name)
        return draft.author, draft.publisher, draft.date

    assert meta("01_xingshan_report.txt") == ("", "中共兴山县委组织部", "2019-05-20")
    assert meta("02_shangnan_news.html") == ("刘晓燕", "陕西日报", "2021-06-18")
    assert meta("04_anji_word.html") == ("沈丽萍", "中共安吉县委组织部", "")
    assert draft_of("06_yichang_gbk.txt").model_name == "红色物业"
    # regions the taxonomy did not have are offered, to be added with the draft
    assert draft_of("04_anji_word.html").region.pk is None
