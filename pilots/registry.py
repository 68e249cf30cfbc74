"""What published pilot-platform and pilot-scenario applications become (found by selections.registries)."""

from pilots import services
from selections.choices import CallKind
from selections.registries import register

register(CallKind.PILOT_PLATFORM)(services.platform_from_application)
register(CallKind.PILOT_SCENARIO)(services.scenario_from_application)
