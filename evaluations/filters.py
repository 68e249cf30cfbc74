"""Filters for the published-results inquiry, shared by the HTML page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.filters import region_choices
from enterprises.models import Industry, region_prefix
from evaluations.models import Evaluation

LEVEL_CHOICES = [(0, _("Below the experience level")), *[(n, str(n)) for n in range(1, 6)]]


class PublishedResultFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Enterprise name or credit code"), method="search", max_length=100, help_text=_("Part of the name.")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), method="within_region", help_text=_("A province or city; includes everything inside it.")
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), field_name="enterprise__industry", queryset=Industry.objects.all()
    )
    level = django_filters.TypedChoiceFilter(
        label=_("Level"), field_name="official_level", choices=LEVEL_CHOICES, coerce=int
    )

    class Meta:
        model = Evaluation
        fields = ["q", "region", "industry", "level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = region_choices()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name_zh__icontains=value)
            | Q(enterprise__name_en__icontains=value)
            | Q(enterprise__credit_code__iexact=value.replace(" ", ""))
        )

    def within_region(self, queryset, name, value: str):
        return queryset.filter(enterprise__region__code__startswith=region_prefix(value.strip()))
