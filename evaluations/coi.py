"""Conflict-of-interest rules for assigning an assessor to an enterprise (ARCHITECTURE §6).

Pure functions over plain values, so every rule is tested without a database. An assessor is blocked, with
the reason, when they worked for, consulted or held shares in the enterprise or its group in the last three
years (or still do), assessed its previous cycle, or hold no valid qualification for its industry.
"""

from dataclasses import dataclass
from datetime import date

COOLING_OFF_YEARS = 3


@dataclass(frozen=True)
class Tie:
    """A declared tie: kind (employment, consulting, shareholding), with which enterprise, and when."""

    kind: str
    enterprise_id: int
    started: date
    ended: date | None


@dataclass(frozen=True)
class Credential:
    industry: str
    grade: str
    valid_until: date


@dataclass(frozen=True)
class Conflict:
    code: str  # employment | consulting | shareholding | previous_cycle | not_qualified | qualification_expired
    enterprise_id: int | None = None
    until: date | None = None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def tie_conflicts(*, enterprise_id: int, group_ids: frozenset[int], ties: list[Tie], on: date) -> list[Conflict]:
    """The declared ties to the enterprise or its group that still count on ``on`` (ended within the cooling-off
    years, or still lasting). Assessors and the experts of a selection call are both held to this rule."""
    window_start = _years_before(on, COOLING_OFF_YEARS)
    related = group_ids | {enterprise_id}
    return [
        Conflict(code=tie.kind, enterprise_id=tie.enterprise_id, until=tie.ended)
        for tie in ties
        if tie.enterprise_id in related and (tie.ended is None or tie.ended >= window_start) and tie.started <= on
    ]


def conflicts(
    *,
    enterprise_id: int,
    group_ids: frozenset[int],
    industry: str,
    ties: list[Tie],
    credentials: list[Credential],
    assessed_previous_cycle: bool,
    on: date,
) -> list[Conflict]:
    """Every reason the assessor may not evaluate the enterprise on ``on`` (empty: no conflict).

    ``group_ids`` are the enterprise's group: itself, its parent group and the parent's other subsidiaries.
    """
    found = tie_conflicts(enterprise_id=enterprise_id, group_ids=group_ids, ties=ties, on=on)
    if assessed_previous_cycle:
        found.append(Conflict(code="previous_cycle", enterprise_id=enterprise_id))
    matching = [credential for credential in credentials if credential.industry == industry]
    if not matching:
        found.append(Conflict(code="not_qualified"))
    elif all(credential.valid_until < on for credential in matching):
        found.append(Conflict(code="qualification_expired", until=max(c.valid_until for c in matching)))
    return found
