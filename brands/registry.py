"""What published brand applications become (found by selections.registries)."""

from brands import services
from selections.choices import CallKind
from selections.registries import register

register(CallKind.BRAND)(services.entry_from_application)
