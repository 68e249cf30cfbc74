"""The evaluation lifecycle's allowed transitions, in one place (ARCHITECTURE §6).

Each action moves an evaluation from one status to another and may be taken only by certain roles; the
services check this table and nothing else. Later stages (assignment, on-site rating, consensus, approval,
publication) add their rows here.
"""

from dataclasses import dataclass

from accounts.choices import ENTERPRISE_ROLES, Role
from evaluations.choices import EvaluationStatus

AUTHORITIES = frozenset({Role.AUTHORITY, Role.NATIONAL})


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
        Transition("submit", EvaluationStatus.DRAFT, EvaluationStatus.SUBMITTED, ENTERPRISE_ROLES),
        Transition("accept", EvaluationStatus.SUBMITTED, EvaluationStatus.ACCEPTED, AUTHORITIES),
        Transition("return", EvaluationStatus.SUBMITTED, EvaluationStatus.DRAFT, AUTHORITIES, needs_reason=True),
        Transition("assign", EvaluationStatus.ACCEPTED, EvaluationStatus.ASSIGNED, AUTHORITIES),
    )
}


def allowed_actions(*, status: str, roles: set[str]) -> list[str]:
    """The actions a holder of ``roles`` may take on an evaluation in ``status``."""
    return [t.action for t in TRANSITIONS.values() if t.source == status and roles & t.roles]
