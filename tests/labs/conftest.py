"""A lab call of this year and a helper that takes one application through the engine to publication."""

import pytest

from accounts.choices import Role
from selections import services
from selections.choices import CallKind, CallScope
from tests.factories import UserFactory, grant
from tests.selections.data import DAY, TODAY

LAB_ANSWERS = {
    "summary": "A battery safety laboratory.",
    "contact_name": "Li Si",
    "contact_phone": "0755-87654321",
    "product_field": "Lithium-ion batteries",
    "staff": "48",
    "accreditations": "CNAS, CMA",
}


def make_call(miit, kind=CallKind.LAB):
    call = services.call_create(
        by=miit,
        kind=kind,
        year=TODAY.year,
        scope=CallScope.NATIONAL,
        title_zh="实验室遴选",
        title_en="Laboratory selection",
        opens_on=TODAY - 60 * DAY,
        closes_on=TODAY - 40 * DAY,
        recommend_by=TODAY - 30 * DAY,
    )
    return services.call_announce(call=call, by=miit)


def publish(call, *, enterprise, member, officer, miit, title, data, before_submit=None):
    """One application from saving to publication (the deadlines passed with ``today`` in the past);
    ``before_submit(application)`` runs on the draft (to attach files, say)."""
    opened = call.opens_on + DAY
    application = services.application_save(
        call=call, enterprise=enterprise, title=title, data=data, by=member, today=opened
    )
    if before_submit:
        before_submit(application)
    services.application_submit(application=application, by=member, today=opened)
    authority = officer.active_memberships[0].authority
    services.applications_recommend(
        call=call, authority=authority, ranked=[application], by=officer, today=call.recommend_by
    )
    for n in range(3):
        expert = grant(UserFactory(username=f"{title[:8]}-x{n}-{application.pk}"), Role.EXPERT)
        review = services.review_assign(application=application, expert=expert, by=miit)
        scores = {code: {"score": 85, "comment": "Good."} for code in ("C1", "C2", "C3")}
        services.review_submit(review=review, scores=scores, by=expert)
    services.application_shortlist(application=application, by=miit)
    noticed = services.application_notice(application=application, by=miit, today=TODAY - 20 * DAY)
    services.application_select(application=application, by=miit, today=noticed.notice_until + DAY)
    return services.application_publish(application=application, by=miit)


@pytest.fixture
def lab_call(miit_officer):
    return make_call(miit_officer)
