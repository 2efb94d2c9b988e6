"""What a draft case is made of: its sections, key figures and fields."""

import re
from dataclasses import dataclass, field

from ...taxonomy import Domain, Region


@dataclass
class Section:
    kind: str
    heading: str
    paragraphs: list = field(default_factory=list)
    added: bool = False  # the heading is the importer's, not the source's


@dataclass
class Figure:
    label: str
    value: str
    unit: str
    year: int | None = None


@dataclass
class CaseDraft:
    """Everything detected for one case, ready to become a draft CasePage."""

    title: str
    sections: list
    source_title: str = ""
    model_name: str = ""
    summary: str = ""
    region: Region | None = None
    region_inferred: str = ""
    unit_level: str = ""
    year_started: int | None = None
    year_reported: int | None = None
    domain: Domain | None = None
    themes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    figures: list = field(default_factory=list)  # the few a reader is shown, best first
    other_figures: list = field(default_factory=list)  # the other candidates, for the editor
    author: str = ""
    publisher: str = ""
    date: str = ""
    complete: bool = True
    notes: list = field(default_factory=list)
    repeats: list = field(default_factory=list)  # cases it probably repeats (importer.duplicates)

    @property
    def paragraphs(self):
        return [p for section in self.sections for p in section.paragraphs]

    @property
    def text(self):
        return "\n".join([self.title] + [s.heading for s in self.sections] + self.paragraphs)


def title_text(text):
    """A title as one line: no spaces beside Chinese characters or quotes, no trailing colon."""
    text = re.sub(r"\s+(?=[\u4e00-\u9fff“”《》])|(?<=[\u4e00-\u9fff“”《》])\s+", "", text.strip())
    return text.strip("—-_ ").rstrip(":：")
