"""The evaluation lifecycle's allowed transitions, in one place (ARCHITECTURE §6).

Each action moves an evaluation from one status to another and may be taken only by certain roles; the
services check this table and nothing else. Roles say who may take a step in general; the service adds the
finer rule where one exists (an enterprise's own members, the institution of the evaluation, the lead of its
team, the authority whose area holds the enterprise). Steps the platform takes itself (expiry) have no roles.
"""

from dataclasses import dataclass

from accounts.choices import ENTERPRISE_ROLES, Role
from evaluations.choices import EvaluationStatus

AUTHORITIES = frozenset({Role.AUTHORITY, Role.NATIONAL})
PLATFORM = frozenset()  # taken by the platform itself (a scheduled task), never offered to a person


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
        Transition(
            "assign_team", EvaluationStatus.ASSIGNED, EvaluationStatus.ON_SITE, frozenset({Role.INSTITUTION_ADMIN})
        ),
        # The last team member to submit their own ratings opens the consensus.
        Transition(
            "ratings_complete", EvaluationStatus.ON_SITE, EvaluationStatus.CONSENSUS, frozenset({Role.ASSESSOR})
        ),
        Transition(
            "submit_result", EvaluationStatus.CONSENSUS, EvaluationStatus.RESULT_SUBMITTED, frozenset({Role.ASSESSOR})
        ),
        Transition("approve", EvaluationStatus.RESULT_SUBMITTED, EvaluationStatus.NOTICE, AUTHORITIES),
        Transition(
            "return_result",
            EvaluationStatus.RESULT_SUBMITTED,
            EvaluationStatus.CONSENSUS,
            AUTHORITIES,
            needs_reason=True,
        ),
        # An upheld objection sends the result back to the team for another look.
        Transition("reopen", EvaluationStatus.NOTICE, EvaluationStatus.CONSENSUS, AUTHORITIES, needs_reason=True),
        Transition("publish", EvaluationStatus.NOTICE, EvaluationStatus.PUBLISHED, AUTHORITIES),
        Transition("expire", EvaluationStatus.PUBLISHED, EvaluationStatus.EXPIRED, PLATFORM),
        Transition("revoke", EvaluationStatus.PUBLISHED, EvaluationStatus.REVOKED, AUTHORITIES, needs_reason=True),
    )
}


def allowed_actions(*, status: str, roles: set[str]) -> list[str]:
    """The actions a holder of ``roles`` may take on an evaluation in ``status``."""
    return [t.action for t in TRANSITIONS.values() if t.source == status and roles & t.roles]
