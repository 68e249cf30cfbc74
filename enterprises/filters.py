"""One filterset per list, shared by the HTML pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.choices import RegionLevel, SizeClass, VerificationStatus
from enterprises.models import Enterprise, Industry, Region, region_prefix


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("level"), choices=RegionLevel.choices)
    parent = django_filters.CharFilter(label=_("parent region code"), field_name="parent__code")

    class Meta:
        model = Region
        fields = ["level", "parent"]


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = django_filters.CharFilter(
        label=_("Region code"),
        method="within_region",
        help_text=_("A province or city code; includes everything inside it."),
    )
    industry = django_filters.ModelChoiceFilter(label=_("Industry"), queryset=Industry.objects.all())
    size_class = django_filters.ChoiceFilter(label=_("Size"), choices=SizeClass.choices)
    status = django_filters.ChoiceFilter(label=_("Verification"), choices=VerificationStatus.choices)
    is_listed = django_filters.BooleanFilter(label=_("Listed company"))

    class Meta:
        model = Enterprise
        fields = ["q", "region", "industry", "size_class", "status", "is_listed"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name_zh__icontains=value) | Q(name_en__icontains=value) | Q(credit_code__iexact=value.replace(" ", ""))
        )

    def within_region(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(region__code__startswith=region_prefix(value))
