"""An application's allowed steps, in one place (ARCHITECTURE §8).

Roles say who may take a step in general; the services add the finer rule: the applicant's own members, the
authority whose area holds the applicant (recommendation), the call's organiser (MIIT for a national call, the
call's authority for a provincial one) for everything after it.
"""

from dataclasses import dataclass

from accounts.choices import ENTERPRISE_ROLES, Role
from selections.choices import ApplicationStatus as S

AUTHORITIES = frozenset({Role.AUTHORITY, Role.NATIONAL})
ORGANISERS = AUTHORITIES


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset
    needs_reason: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", S.DRAFT, S.SUBMITTED, ENTERPRISE_ROLES),
        Transition("return", S.SUBMITTED, S.DRAFT, AUTHORITIES, needs_reason=True),
        Transition("recommend", S.SUBMITTED, S.RECOMMENDED, AUTHORITIES),
        Transition("not_recommend", S.SUBMITTED, S.NOT_RECOMMENDED, AUTHORITIES, needs_reason=True),
        Transition("review", S.RECOMMENDED, S.IN_REVIEW, ORGANISERS),  # the first expert assigned
        Transition("shortlist", S.IN_REVIEW, S.SHORTLISTED, ORGANISERS),
        Transition("reject", S.IN_REVIEW, S.NOT_SELECTED, ORGANISERS, needs_reason=True),
        Transition("notice", S.SHORTLISTED, S.NOTICE, ORGANISERS),
        Transition("uphold_objection", S.NOTICE, S.NOT_SELECTED, ORGANISERS, needs_reason=True),
        Transition("select", S.NOTICE, S.SELECTED, ORGANISERS),
        Transition("publish", S.SELECTED, S.PUBLISHED, ORGANISERS),
    )
}
