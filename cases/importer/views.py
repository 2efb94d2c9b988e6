"""The admin view 导入案例: upload files (or a .zip) or paste text, choose the case library,
review the drafts and what was refused."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..models import CaseIndexPage
from . import DocumentError
from .batch import MAX_DOCUMENTS, Outcome, import_files
from .create import import_documents
from .decode import MAX_BYTES, MAX_SIZE_TEXT, read_paste, too_big

PASTE_TOO_BIG = f"粘贴的文字超过 {MAX_SIZE_TEXT}，没有提交。请分成几段导入，或存为文件后上传。"
# No document is started after this many seconds of a run: with each document's own conversion
# limit (converted.SECONDS) a run ends inside the server's 60 s request timeout.
RUN_SECONDS = 25


def libraries_for(user):
    """The case libraries `user` may add cases to."""
    return [
        index
        for index in CaseIndexPage.objects.all().order_by("path")
        if index.permissions_for_user(user).can_add_subpage()
    ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, as Django's documentation shows it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # an empty file is refused on its own (read_bytes), not with the whole run
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    file = MultipleFileField(
        label="上传文件",
        required=False,
        help_text=(
            f".txt、.html/.htm、.docx、.doc、.wps、.pdf、.ofd，或它们的 .zip 压缩包；可一次选多个文件，最多 {MAX_DOCUMENTS} 个，"
            f"每个不超过 {MAX_SIZE_TEXT}，合计不超过 {settings.CASE_IMPORT_MAX_BATCH_SIZE // settings.MEGABYTE} MB。编码自动识别（UTF-8、GBK、Big5）。PDF、OFD 须有文字层（扫描件请先做 OCR 文字识别）。"
            "每个文件单独导入：一个文件出错，不影响其他文件。"
        ),
    )
    text = forms.CharField(
        label="或粘贴文字",
        required=False,
        # The browser refuses a paste over the limit before sending it (the text stays in the
        # box); past the server's own limit the request is refused whole (portal.views.bad_request).
        widget=forms.Textarea(attrs={"rows": 12, "data-max-bytes": MAX_BYTES, "data-too-big": PASTE_TOO_BIG}),
        help_text=f"可直接粘贴网页上或 PDF 中复制的文字，或 HTML，不超过 {MAX_SIZE_TEXT}。",
    )
    parent = forms.TypedChoiceField(label="案例库", coerce=int)

    def __init__(self, *args, libraries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.libraries = {index.pk: index for index in libraries}
        self.fields["parent"].choices = [(index.pk, index.title) for index in libraries]

    def clean(self):
        data = super().clean()
        uploads, text = data.get("file") or [], (data.get("text") or "").strip()
        if uploads and text:
            raise forms.ValidationError(
                "请只用一种方式导入：上传文件，或粘贴文字，不要同时使用（粘贴的文字仍在框中）。"
            )
        if not uploads and not text:
            raise forms.ValidationError("请上传文件，或粘贴文字（二者选一）。")
        if sum(upload.size for upload in uploads) > settings.CASE_IMPORT_MAX_BATCH_SIZE:
            raise forms.ValidationError(
                f"一次上传的文件合计不能超过 {settings.CASE_IMPORT_MAX_BATCH_SIZE // settings.MEGABYTE} MB，请分批导入。"
            )
        if text:
            try:
                data["document"] = read_paste(text)
            except DocumentError as error:
                raise forms.ValidationError(str(error)) from error
        # over the size limit: refused unread
        data["files"] = [
            (upload.name, too_big(upload.name) if upload.size > MAX_BYTES else upload.read()) for upload in uploads
        ]
        return data


class ImportView(WagtailAdminTemplateMixin, FormView):
    page_title = "导入案例"
    header_icon = "upload"
    form_class = ImportForm
    template_name = "importer/import_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.libraries = libraries_for(request.user)
        if not self.libraries:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "libraries": self.libraries}

    def form_valid(self, form):
        parent = form.libraries[form.cleaned_data["parent"]]
        user = self.request.user
        try:
            if form.cleaned_data.get("document"):
                document = form.cleaned_data["document"]
                [result] = import_documents([document], parent=parent, user=user)
                outcomes = [Outcome(document.name, result=result)]
            else:
                outcomes = import_files(form.cleaned_data["files"], parent=parent, user=user, seconds=RUN_SECONDS)
        except DocumentError as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form, copy_of=error.case))
        # the files' outcomes, refused ones with why (an upload cannot be kept in a form to retry)
        self.template_name = "importer/review.html"
        return self.render_to_response(self.get_context_data(form=form, outcomes=outcomes, parent=parent))
