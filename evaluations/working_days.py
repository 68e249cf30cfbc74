"""Working-day arithmetic for the public notice (公示). Pure Python: no Django, no settings.

A working day is Monday to Friday and not a listed holiday. China's official calendar also moves some weekend
days to working days (调休); those are rare enough that the notice period simply counts them as weekend days —
the notice can only get longer, never shorter, which is the safe side for the public.
"""

from collections.abc import Iterable
from datetime import date, timedelta

SATURDAY = 5


def add_working_days(start: date, days: int, *, holidays: Iterable[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count).

    ``add_working_days(Friday, 1)`` is the next Monday; with ``days=0`` the answer is ``start``.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    off = frozenset(holidays)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < SATURDAY and day not in off:
            counted += 1
    return day


def add_years(start: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)
