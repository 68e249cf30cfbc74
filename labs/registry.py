"""What published lab applications become (found by selections.registries)."""

from labs import services
from selections.choices import CallKind
from selections.registries import register

register(CallKind.LAB)(services.lab_accredit)
register(CallKind.LAB_REASSESSMENT)(services.lab_reassess)
