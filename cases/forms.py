from django.forms.utils import ErrorList
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamBlockValidationError

from .readiness import UNCHECKED_FIGURE, case_gaps, unchecked_figures
from .slugs import unique_slug

# The edit form's buttons that send a case to review or make it live.
SUBMITTING_ACTIONS = ("action-submit", "action-publish", "action-restart-workflow", "action-workflow-action")


def submitting(data):
    """Whether the edit form was sent to review or live (not saved as a draft, nor sent back:
    a reviewer's 退回修改 from the editor is a workflow action too)."""
    if data.get("action-workflow-action") and data.get("workflow-action-name") != "approve":
        return False
    return any(data.get(action) for action in SUBMITTING_ACTIONS)


def kept_rows(form, formset_name):
    """The valid rows of an inline panel's formset that are not being deleted."""
    formset = form.formsets.get(formset_name)
    return [
        row
        for row in (formset.forms if formset is not None else [])
        if row.is_valid() and row.cleaned_data and not row.cleaned_data.get("DELETE")
    ]


class PinyinAddressForm(WagtailAdminPageForm):
    """A page form whose address, when Wagtail fills it in from a Chinese title, is spelled in
    pinyin as an imported case's is (a Chinese address is percent-encoded many times over in a
    shared link or QR code): only before the page is first published, when no link to it has
    been shared yet."""

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and not slug.isascii() and not self.instance.first_published_at and self.parent_page is not None:
            return unique_slug(self.parent_page, slug, page=self.instance)
        return slug


class CasePageForm(PinyinAddressForm):
    """Drafts may be unfinished; a case going to review (or live) must be complete. An imported
    draft offers the importer's suggestions beside domain, themes and problems (the domain's
    chooser in its help text only), for the editor to accept one by one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.import_notes:
            # What the importer read and did is its record, checked against, not edited.
            for name in ("source_text", "import_notes"):
                if name in self.fields:
                    self.fields[name].disabled = True
        # offered until the case is first published: then its classification is the editors'
        suggestions = {} if self.instance.first_published_at else (self.instance.import_suggestions or {})
        for name in ("domain", "themes", "problems"):
            suggested = suggestions.get(name)
            field = self.fields.get(name)
            if not suggested or field is None:
                continue
            suggested = set(suggested if isinstance(suggested, list) else [suggested])
            names = [term.name for term in field.queryset.filter(pk__in=suggested)]
            if not names:
                continue
            field.label_from_instance = lambda term, suggested=suggested: (
                f"{term.name}（导入建议）" if term.pk in suggested else term.name
            )
            field.help_text = f"导入程序从原文中识别出：{'、'.join(names)}。请核对原文后逐项选择采纳。"

    def is_valid(self):
        # The figures are checked here, after their own forms' validation (which would wipe an
        # error the page form's clean() put on them).
        valid = super().is_valid()
        unchecked = self._unchecked_figures() if submitting(self.data) else []
        for form in unchecked:
            form.add_error("auto_detected", UNCHECKED_FIGURE)
        if unchecked:
            self.add_error(
                None,
                unchecked_figures(
                    [
                        (form.cleaned_data["label"], form.cleaned_data["value"], form.cleaned_data["unit"])
                        for form in unchecked
                    ]
                ),
            )
        return valid and not unchecked

    def _unchecked_figures(self):
        return [row for row in kept_rows(self, "key_figures") if row.cleaned_data.get("auto_detected")]

    def clean(self):
        cleaned_data = super().clean()
        # Browsers send a text box's lines ended by \r\n: kept as typed, every save would differ
        # from the last in the revision comparison.
        for name, value in cleaned_data.items():
            if isinstance(value, str) and "\r" in value:
                cleaned_data[name] = value.replace("\r\n", "\n")
        started, reported = cleaned_data.get("year_started"), cleaned_data.get("year_reported")
        if started and reported and started > reported:
            self.add_error("year_reported", f"报道年份（{reported}）早于起始年份（{started}），请核对原文。")
        if not submitting(self.data):
            return cleaned_data
        # A body that failed its own validation is not judged again.
        body = None if "body" in self.errors else (cleaned_data.get("body") or [])
        gaps = case_gaps(
            cleaned_data.get("region"), cleaned_data.get("summary"), cleaned_data.get("source_title"), body
        )
        for name, why in gaps.items():
            error = StreamBlockValidationError(non_block_errors=ErrorList([why])) if name == "body" else why
            self.add_error(name, error)
        return cleaned_data
