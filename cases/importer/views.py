"""The admin view 导入案例: upload a file or paste text, choose the case library, review the drafts."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..models import CaseIndexPage
from . import DocumentError
from .create import import_documents
from .decode import MAX_BYTES, read_bytes, read_paste, too_big


def libraries_for(user):
    """The case libraries `user` may add cases to."""
    return [
        index
        for index in CaseIndexPage.objects.all().order_by("path")
        if index.permissions_for_user(user).can_add_subpage()
    ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="上传文件",
        required=False,
        help_text=(
            ".txt、.html/.htm、.docx、.doc、.wps 或 .pdf，不超过 10 MB；编码自动识别（UTF-8、GBK、Big5）。"
            "PDF 须有文字层（扫描件请先做 OCR 文字识别）。"
        ),
    )
    text = forms.CharField(
        label="或粘贴文字",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="可直接粘贴网页上复制的文字或 HTML。",
    )
    parent = forms.TypedChoiceField(label="案例库", coerce=int)

    def __init__(self, *args, libraries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.libraries = {index.pk: index for index in libraries}
        self.fields["parent"].choices = [(index.pk, index.title) for index in libraries]

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError("请上传一个文件，或粘贴文字（二者选一）。")
        try:
            if upload:
                if upload.size > MAX_BYTES:
                    raise too_big(upload.name)
                data["document"] = read_bytes(upload.name, upload.read())
            else:
                data["document"] = read_paste(text)
        except DocumentError as error:
            raise forms.ValidationError(str(error)) from error
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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "libraries": self.libraries}

    def form_valid(self, form):
        parent = form.libraries[form.cleaned_data["parent"]]
        try:
            results = import_documents([form.cleaned_data["document"]], parent=parent, user=self.request.user)
        except DocumentError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        self.template_name = "importer/review.html"
        return self.render_to_response(self.get_context_data(form=form, results=results, parent=parent))
