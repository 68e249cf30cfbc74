"""One filterset per list, shared by the HTML pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.choices import RegionLevel, SizeClass, VerificationStatus
from enterprises.models import Enterprise, Industry, Region, region_prefix


class BooleanWidget(django_filters.widgets.BooleanWidget):
    """Yes / no / either, with "either" shown as the empty choice rather than "unknown"."""

    def __init__(self, choices, attrs=None):
        super().__init__(attrs)
        self.choices = choices


def region_choices() -> list:
    """Provinces, each followed by its cities, grouped for a select (names in the reader's language)."""
    cities: dict[str, list] = {}
    provinces = []
    for region in Region.objects.order_by("code"):
        if region.parent_id:
            cities.setdefault(region.parent_id, []).append((region.code, region.name))
        else:
            provinces.append(region)
    return [
        (
            province.name,
            [(province.code, _("{province} (all)").format(province=province.name)), *cities.get(province.code, [])],
        )
        for province in provinces
    ]


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("level"), choices=RegionLevel.choices)
    parent = django_filters.CharFilter(label=_("parent region code"), field_name="parent__code")

    class Meta:
        model = Region
        fields = ["level", "parent"]


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        method="within_region",
        help_text=_("A province or city code; includes everything inside it."),
    )
    industry = django_filters.ModelChoiceFilter(label=_("Industry"), queryset=Industry.objects.all())
    size_class = django_filters.ChoiceFilter(label=_("Size"), choices=SizeClass.choices)
    status = django_filters.ChoiceFilter(label=_("Verification"), choices=VerificationStatus.choices)
    is_listed = django_filters.BooleanFilter(
        label=_("Listed company"),
        widget=BooleanWidget(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Enterprise
        fields = ["q", "region", "industry", "size_class", "status", "is_listed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = region_choices()

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
