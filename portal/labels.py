"""Labels Wagtail leaves in English: a model field without a verbose name shows its own name."""

from wagtail.contrib.search_promotions.models import SearchPromotion

# (model, field, label): each field Wagtail gives no verbose name, and this site's label for it.
UNLABELLED = [(SearchPromotion, "external_link_text", "外部链接文字")]


def name_unlabelled_fields():
    for model, name, label in UNLABELLED:
        model._meta.get_field(name).verbose_name = label
