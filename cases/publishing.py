"""Whether a page, as its latest revision has it, may go live. The edit forms (cases.forms) check
cases.readiness on what was typed; the paths that publish without the form check it here:
pages ticked in a listing (cases.wagtail_hooks) and a review approved from the dashboard
(cases.review)."""

from .pages import CasePage
from .readiness import EMPTY_COLLECTION, case_gaps, unchecked_figures
from .training.models import TrainingCollectionPage


def publishing_gaps(page):
    """Why `page`'s latest revision cannot go live; [] when it can."""
    latest = page.specific.get_latest_revision_as_object()
    if isinstance(latest, CasePage):
        gaps = list(case_gaps(latest.region_id, latest.summary, latest.source_title, latest.body).values())
        figures = [
            (figure.label, figure.value, figure.unit) for figure in latest.key_figures.all() if figure.auto_detected
        ]
        return gaps + ([unchecked_figures(figures)] if figures else [])
    if isinstance(latest, TrainingCollectionPage) and not latest.collection_cases.all() and latest.criteria_q() is None:
        return [EMPTY_COLLECTION]
    return []
