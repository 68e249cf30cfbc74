"""What an on-site rating may be: one rule for the browser form, the workbook import and the API.

Requirements take "1", "0.8", "0.5", "0" or "na" (only where the requirement allows it, with a comment saying
why); eligibility conditions take "yes" (the enterprise meets the condition) or "no" (it does not, which blocks the
levels from the condition's ``blocks_from_level`` up).
The consensus follows the same values; where the assessors' own ratings spread by ``NOTE_SPREAD`` or more, the
lead must write a note.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

REQUIREMENT_VALUES = ("1", "0.8", "0.5", "0", "na")
CONDITION_VALUES = {"yes": True, "no": False}
NOTE_SPREAD = Decimal("0.5")


def requirement_problem(value: str, *, na_allowed: bool, comment: str) -> str | None:
    """Why ``value`` cannot be a requirement's rating (None when it can)."""
    if value not in REQUIREMENT_VALUES:
        return _("“{value}” is not a rating; use 1, 0.8, 0.5, 0 or na.").format(value=value)
    if value == "na" and not na_allowed:
        return _("This requirement cannot be rated not applicable.")
    if value == "na" and not comment.strip():
        return _("Say why the requirement does not apply (a comment is required with na).")
    return None


def condition_problem(value: str) -> str | None:
    """Why ``value`` cannot be an eligibility condition's answer (None when it can)."""
    if value not in CONDITION_VALUES:
        return _("“{value}” is not an answer; use yes (the condition is met) or no.").format(value=value)
    return None


def spread(values: list[str]) -> Decimal:
    """The difference between the highest and lowest numeric rating (n/a ratings left out; 0 if fewer than two).

    A mix of "na" and numeric ratings counts as a full spread of 1: the assessors disagree on applicability; so
    do different answers to an eligibility condition.
    """
    if any(value in CONDITION_VALUES for value in values):
        return Decimal(len(set(values)) > 1)
    numbers = [Decimal(value) for value in values if value != "na"]
    if numbers and len(numbers) < len(values):
        return Decimal(1)
    return max(numbers) - min(numbers) if len(numbers) > 1 else Decimal(0)
