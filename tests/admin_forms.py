"""Form data for the Wagtail admin's case editor, as the browser would post it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def case_form_data(page, **overrides):
    """The edit form's fields for `page` (a CasePage), with `overrides` applied."""
    body = []
    for block in page.body:
        value = dict(block.value)
        if block.block_type == "section":
            value["text"] = rich_text(value["text"].source)
        elif block.block_type == "image":
            value["image"] = value["image"].pk
        body.append((block.block_type, value))
    data = {
        "title": page.title,
        "slug": page.slug,
        "model_name": page.model_name,
        "summary": page.summary,
        "body": streamfield(body),
        "region": page.region_id or "",
        "unit_level": page.unit_level,
        "year_started": page.year_started or "",
        "year_reported": page.year_reported or "",
        "domain": page.domain_id or "",
        "themes": [theme.pk for theme in page.themes.all()],
        "problems": [problem.pk for problem in page.problems.all()],
        "tags": ", ".join(f'"{tag.name}"' for tag in page.tags.all()),
        "key_figures": inline_formset(
            [
                {
                    "id": figure.pk,
                    "label": figure.label,
                    "value": figure.value,
                    "unit": figure.unit,
                    "year": figure.year or "",
                    "note": figure.note,
                    **({"auto_detected": "on"} if figure.auto_detected else {}),
                }
                for figure in page.key_figures.all()
            ],
            initial=page.key_figures.count() if page.pk else 0,
        ),
        "related_case_links": inline_formset(
            [{"id": link.pk, "case": link.case_id} for link in page.related_case_links.all()],
            initial=page.related_case_links.count() if page.pk else 0,
        ),
        "source_title": page.source_title,
        "source_publisher": page.source_publisher,
        "source_author": page.source_author,
        "source_date": page.source_date,
        "source_url": page.source_url,
        "source_file": page.source_file,
        "source_note": page.source_note,
        "import_notes": page.import_notes,
        "seo_title": page.seo_title,
        "search_description": page.search_description,
    }
    if page.source_complete:
        data["source_complete"] = "on"
    if page.featured:
        data["featured"] = "on"
    data.update(overrides)
    return nested_form_data({key: value for key, value in data.items() if value is not None})
