"""The admin's revision comparison in readers' words: 是 / 否 for a box, nothing for an empty
number (Wagtail writes the Python values, True / False / None)."""

from django.db import models
from django.utils.html import escape
from wagtail.admin.compare import FieldComparison, TextDiff, register_comparison_class


def shown(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


class PlainValueComparison(FieldComparison):
    def htmldiff(self):
        before, after = shown(self.val_a), shown(self.val_b)
        if self.val_a == self.val_b:
            return escape(after)
        return TextDiff([change for change in (("deletion", before), ("addition", after)) if change[1]]).to_html()


def register():
    for field_class in (models.BooleanField, models.IntegerField):
        register_comparison_class(field_class, comparison_class=PlainValueComparison)
