from ..forms import PinyinAddressForm, kept_rows, submitting
from ..readiness import EMPTY_COLLECTION

YEAR_CRITERIA = ("criteria_year_from", "criteria_year_to")


class TrainingCollectionForm(PinyinAddressForm):
    """A collection may be drafted empty; one going to review or live picks a case or has
    criteria to find some."""

    def is_valid(self):
        # The picked cases are read once their own forms are validated.
        valid = super().is_valid()
        if valid and submitting(self.data) and not kept_rows(self, "collection_cases") and not self._has_criteria():
            self.add_error(None, EMPTY_COLLECTION)
            return False
        return valid

    def _has_criteria(self):
        fields = [field for field, _ in self.instance.CRITERIA] + list(YEAR_CRITERIA)
        return any(self.cleaned_data.get(field) for field in fields)
