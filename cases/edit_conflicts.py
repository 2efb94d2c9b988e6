"""Admin forms that do not save over what someone else saved after the form was opened.

Wagtail warns of a newer version only for models with revisions; the vocabularies have none, so
two reviewers editing one term's aliases at once would keep whichever saved last. The form
carries the values it was opened with. A field someone else changed since is kept as they
saved it where this reviewer left it alone; where she changed it too, differently, the save is
refused with what is there now, her input kept on the page.
"""

import json

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

OPENED_WITH = "opened_with"


class KeepsOthersEditsForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[OPENED_WITH] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk is not None:
            self.initial[OPENED_WITH] = json.dumps(self._stored_values(), ensure_ascii=False)

    def _edited_fields(self):
        names = set(self.fields) - {OPENED_WITH}
        return [field for field in self._meta.model._meta.concrete_fields if field.name in names]

    def _stored_values(self):
        """The edited fields as the instance holds them (as stored, before this form's input)."""
        return {field.name: _text(field.value_from_object(self.instance)) for field in self._edited_fields()}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        try:
            opened_with = json.loads(cleaned.get(OPENED_WITH) or "")
        except (ValueError, RecursionError):
            return cleaned  # a form opened before this check existed, or altered: nothing to compare with
        if not isinstance(opened_with, dict):
            return cleaned
        # The instance is not yet changed by this form (that follows clean()): it is the row as
        # read for this save.
        stored = self._stored_values()
        changed, kept = [], []
        for field in self._edited_fields():
            if field.name not in cleaned or opened_with.get(field.name, stored[field.name]) == stored[field.name]:
                continue  # nobody else changed it
            if _text(cleaned[field.name]) == opened_with[field.name]:
                cleaned[field.name] = getattr(self.instance, field.name)  # she left it: keep theirs
                kept.append(field)
            elif _text(cleaned[field.name]) != stored[field.name]:
                changed.append(field)  # both changed it, differently
        if changed:
            now = "；".join(f"{field.verbose_name}现为“{self._shown(field)}”" for field in changed)
            self.add_error(
                None,
                f"您打开此页后，别人修改并保存了它：{now}。您填写的内容还在下面，尚未保存；"
                "请对照后再保存，再次保存将以您填写的为准。",
            )
            for field in changed:  # beside the field too, where she compares
                self.add_error(field.name, f"别人已改为“{self._shown(field)}”。")
            # A second save, after looking, is meant to replace what is there now; the fields she
            # left are shown as they are now, so that it cannot put back what she first saw.
            self.data = self.data.copy()
            self.data[self.add_prefix(OPENED_WITH)] = json.dumps(stored, ensure_ascii=False)
            for field in kept:
                self.data[self.add_prefix(field.name)] = stored[field.name]
        return cleaned

    def _shown(self, field):
        value = getattr(self.instance, field.name)
        if value in (None, ""):
            return "（空）"
        value = dict(field.flatchoices).get(value, value) if field.choices else value
        return "、".join(str(value).split("\n"))


def _text(value):
    """A field's value as the form carries it: a related object by its key, nothing as ""."""
    if hasattr(value, "pk"):
        value = value.pk
    return "" if value is None else str(value).replace("\r\n", "\n").strip()
