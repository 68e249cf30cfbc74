"""Filters of the evaluation lists, each shared by its HTML page, the API and the page's export: the evaluations a
user works with, and the published-results inquiry."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.filters import region_choices
from enterprises.models import Industry, region_prefix
from evaluations.choices import EvaluationStatus
from evaluations.models import Evaluation

LEVEL_CHOICES = [(0, _("Below the experience level")), *[(n, str(n)) for n in range(1, 6)]]


def enterprise_search(queryset, value: str):
    """Evaluations of the enterprises whose name contains ``value``, or whose credit code it is."""
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(
        Q(enterprise__name_zh__icontains=value)
        | Q(enterprise__name_en__icontains=value)
        | Q(enterprise__credit_code__iexact=value.replace(" ", ""))
    )


class EvaluationFilterSet(django_filters.FilterSet):
    """The evaluation list (the evaluations a user works with) and its export."""

    q = django_filters.CharFilter(
        label=_("Enterprise name or credit code"), method="search", max_length=100, help_text=_("Part of the name.")
    )
    cycle = django_filters.NumberFilter(label=_("Cycle (year)"), field_name="cycle")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EvaluationStatus.choices)

    class Meta:
        model = Evaluation
        fields = ["q", "cycle", "status"]

    def search(self, queryset, name, value):
        return enterprise_search(queryset, value)


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
        return enterprise_search(queryset, value)

    def within_region(self, queryset, name, value: str):
        return queryset.filter(enterprise__region__code__startswith=region_prefix(value.strip()))
