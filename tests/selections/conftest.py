"""Fixtures of the selection tests: an announced national pilot-platform call."""

import pytest

from selections import services
from selections.choices import CallKind, CallScope
from tests.selections.data import DAY, TODAY


@pytest.fixture
def call(miit_officer):
    call = services.call_create(
        by=miit_officer,
        kind=CallKind.PILOT_PLATFORM,
        year=TODAY.year,
        scope=CallScope.NATIONAL,
        title_zh="中试平台遴选",
        title_en="Pilot-scale platform selection",
        opens_on=TODAY - 10 * DAY,
        closes_on=TODAY + 10 * DAY,
        recommend_by=TODAY + 20 * DAY,
        default_quota=2,
    )
    return services.call_announce(call=call, by=miit_officer)
