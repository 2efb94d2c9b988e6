"""How a case's structured fields read in the open-data API: names and slugs, never bare ids.

The serializers read only what `cases.api` selects and prefetches, so a listing costs the
same number of queries whatever its length. No model imports: `cases.models` imports this.
"""

from rest_framework import serializers


class TermSerializer(serializers.Serializer):
    """A vocabulary term or tag; the slug is what the API's filters take (?theme=<slug>)."""

    name = serializers.CharField()
    slug = serializers.CharField()


class ByNameListSerializer(serializers.ListSerializer):
    """Terms in name order: tags have no ordering of their own, so without one a restore or
    another database returned them in another order."""

    def to_representation(self, data):
        terms = data.all() if hasattr(data, "all") else data
        return super().to_representation(sorted(terms, key=lambda term: (term.name, term.pk)))


class TagSerializer(TermSerializer):
    class Meta:
        list_serializer_class = ByNameListSerializer


class RegionSerializer(TermSerializer):
    level = serializers.CharField()
    full_name = serializers.CharField()
    province = TermSerializer()


class KeyFigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()
    unit = serializers.CharField()
    year = serializers.IntegerField()
    note = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    """The source_* fields of a case, gathered in one object."""

    title = serializers.CharField(source="source_title")
    publisher = serializers.CharField(source="source_publisher")
    author = serializers.CharField(source="source_author")
    date = serializers.CharField(source="source_date")
    url = serializers.CharField(source="source_url")
    file = serializers.CharField(source="source_file")
    complete = serializers.BooleanField(source="source_complete")
    note = serializers.CharField(source="source_note")


class PageUrlField(serializers.Field):
    """The page's absolute address, on the host the request came to."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        request = self.context["request"]
        return request.build_absolute_uri(page.get_url(request=request))
