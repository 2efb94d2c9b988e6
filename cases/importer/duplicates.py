"""The cases a draft repeats, found before it is written: the same body (refused), or the same
place and model name, the same title, or much of the same text in the same place (a warning)."""

import json

from django.db.models import Q

from ..fingerprints import body_text, fingerprint, overlap
from ..models import CasePage

# Of the shorter text, the share of its pieces another case holds for the two to be "likely the same".
LIKELY_OVERLAP = 0.5
# Cases of the same place compared text to text, at most (the newest first).
COMPARED_AT_MOST = 200


def same_body(body):
    """The case (published or draft) whose body holds the same text as `body` (StreamField JSON)."""
    digest = fingerprint(body_text(json.loads(body)))
    return CasePage.objects.filter(body_fingerprint=digest).first() if digest else None


def likely_repeats(draft, body):
    """The cases `draft` (a structure.Draft, its body JSON `body`) probably repeats, each once."""
    named = Q(title=draft.title)
    place = draft.region.full_name if draft.region else ""
    if place and draft.model_name:
        named |= Q(region__full_name=place, model_name=draft.model_name)
    found = list(CasePage.objects.filter(named).order_by("-pk"))
    if place:
        text = body_text(json.loads(body))
        neighbours = CasePage.objects.filter(region__full_name=place).exclude(pk__in=[case.pk for case in found])
        for case in neighbours.order_by("-pk")[:COMPARED_AT_MOST]:
            if overlap(text, body_text(case.body.raw_data)) >= LIKELY_OVERLAP:
                found.append(case)
    return found
