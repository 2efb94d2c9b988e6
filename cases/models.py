"""The cases app's models, each defined where its concept lives (Django looks for them here)."""

from .changes import ContentChange
from .pages import CaseIndexPage, CasePage, CasePageTag, KeyFigure, RelatedCase, vocabulary_links
from .review.models import ReviewTask
from .taxonomy import Domain, Problem, Region, Theme
from .training.models import CollectionCase, TrainingCollectionPage, TrainingIndexPage

__all__ = [
    "CaseIndexPage",
    "CasePage",
    "CasePageTag",
    "CollectionCase",
    "ContentChange",
    "Domain",
    "KeyFigure",
    "Problem",
    "Region",
    "RelatedCase",
    "ReviewTask",
    "Theme",
    "TrainingCollectionPage",
    "TrainingIndexPage",
    "vocabulary_links",
]
