"""What a case or a training collection must have before it goes to review or live. The edit
forms (cases.forms) read these rules on what was typed; bulk publishing (cases.wagtail_hooks)
reads them on each page's latest revision."""


def case_gaps(region, summary, source_title, body):
    """{field: why} of what a case going to review lacks."""
    gaps = {}
    if not region:
        gaps["region"] = "提交审核前请选择地区。"
    if not (summary or "").strip():
        gaps["summary"] = "提交审核前请填写摘要。"
    if not (source_title or "").strip():
        gaps["source_title"] = "提交审核前请填写来源（原文标题）。"
    if body is not None and not any(block.block_type == "section" for block in body):
        gaps["body"] = "提交审核前正文至少需要一个段落。"
    return gaps


UNCHECKED_FIGURE = "请对照原文核对这项数据，无误后取消勾选，或删除这一项。"


def unchecked_figures(figures):
    """Why a case whose key figures (label, value, unit) are still marked 导入时自动识别 cannot go on."""
    names = "、".join(f"{label}{value}{unit}" for label, value, unit in figures)
    return f"还有 {len(figures)} 项关键数据没有核对（{names}），见“关键数据”一栏。"


EMPTY_COLLECTION = "专题还没有案例：请在“选定案例”中加入案例，或设置自动收录条件，再提交。"
