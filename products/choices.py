from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductCategory(models.TextChoices):
    """Key products whose quality inspections are imported (add a member to import another kind)."""

    LITHIUM_BATTERY = "lithium_battery", _("Lithium-ion batteries")
    PV_MODULE = "pv_module", _("Photovoltaic modules")


class Grade(models.IntegerChoices):
    """Product quality grades (产品质量分级), from AAAAA (the highest) down to A; the letters are the same in every
    language."""

    A5 = 5, "AAAAA"
    A4 = 4, "AAAA"
    A3 = 3, "AAA"
    A2 = 2, "AA"
    A1 = 1, "A"
