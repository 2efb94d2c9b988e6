from django.forms.utils import ErrorList
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamBlockValidationError

# The edit form's buttons that send a case to review or make it live.
SUBMITTING_ACTIONS = ("action-submit", "action-publish", "action-restart-workflow", "action-workflow-action")


class CasePageForm(WagtailAdminPageForm):
    """Drafts may be unfinished; a case going to review (or live) must be complete."""

    def clean(self):
        cleaned_data = super().clean()
        if not any(self.data.get(action) for action in SUBMITTING_ACTIONS):
            return cleaned_data
        if not cleaned_data.get("region"):
            self.add_error("region", "提交审核前请选择地区。")
        if not (cleaned_data.get("summary") or "").strip():
            self.add_error("summary", "提交审核前请填写摘要。")
        if not (cleaned_data.get("source_title") or "").strip():
            self.add_error("source_title", "提交审核前请填写来源（原文标题）。")
        body = cleaned_data.get("body")
        if "body" not in self.errors and not any(block.block_type == "section" for block in body or []):
            self.add_error(
                "body", StreamBlockValidationError(non_block_errors=ErrorList(["提交审核前正文至少需要一个段落。"]))
            )
        return cleaned_data
