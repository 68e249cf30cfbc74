"""Reads of the public brand lists."""

from django.db.models import Q, QuerySet

from brands.models import BrandEntry, EntryStatus
from selections.choices import BrandCategory, BrandType


def entry_list(
    *, search: str = "", brand_type: str = "", category: str = "", province: str = "", status: str = "", list_id=None
) -> QuerySet:
    entries = BrandEntry.objects.select_related("brand_list", "owner", "region")
    if search:
        entries = entries.filter(
            Q(brand__icontains=search) | Q(owner__name_zh__icontains=search) | Q(field__icontains=search)
        )
    if brand_type in BrandType.values:
        entries = entries.filter(brand_type=brand_type)
    if category in BrandCategory.values:
        entries = entries.filter(category=category)
    if province:
        entries = entries.filter(region__code__startswith=province[:2])
    if status in EntryStatus.values:
        entries = entries.filter(status=status)
    if list_id:
        entries = entries.filter(brand_list_id=list_id)
    return entries.order_by("-brand_list__year", "brand_list_id", "brand")
