"""Reads of the lab registry (public) and the labs due for re-assessment (the early warning)."""

from datetime import date

from django.db.models import Q, QuerySet

from labs.models import Lab, LabStatus


def lab_list(*, search: str = "", province: str = "", status: str = "") -> QuerySet:
    labs = Lab.objects.select_related("host", "region")
    if search:
        labs = labs.filter(
            Q(name_zh__icontains=search)
            | Q(name_en__icontains=search)
            | Q(product_field__icontains=search)
            | Q(host__name_zh__icontains=search)
        )
    if province:
        labs = labs.filter(region__code__startswith=province[:2])
    if status in LabStatus.values:
        labs = labs.filter(status=status)
    return labs


def labs_due(*, horizon: date) -> list[Lab]:
    """Accredited labs whose re-assessment falls due by ``horizon`` (overdue ones included)."""
    return list(
        Lab.objects.filter(status=LabStatus.ACTIVE, reassessment_due__lte=horizon)
        .select_related("host", "region")
        .order_by("reassessment_due")
    )
