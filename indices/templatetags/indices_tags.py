"""Formatting of index figures in the dashboard's server-rendered first state (static/js/dashboard.js formats the
later ones the same way)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value, digits: int = 1):
    """0.125 → "12.5 %"; None → an em dash."""
    if value is None:
        return "—"
    return f"{number_format(100 * value, int(digits))} %"


@register.filter
def signed(value, digits: int = 1):
    """A change with its sign: +1.3, or -0.4 with a typographic minus (None: empty)."""
    if value is None:
        return ""
    text = number_format(abs(value), int(digits))
    return f"+{text}" if value >= 0 else f"\u2212{text}"


@register.filter
def figure(value, digits: int = 1):
    """A number with ``digits`` decimals; None → an em dash."""
    if value is None:
        return "—"
    return number_format(value, int(digits))


@register.filter
def in_language(names, language: str):
    """``{"zh": …, "en": …}`` → the name in ``language`` ("zh" or "en")."""
    if not names:
        return ""
    return names.get(language) or names.get("en") or ""


@register.filter
def level_mix(levels):
    """{"0": 1, "2": 5} → "L0 1 · L2 5" (levels with nobody left out)."""
    if not levels:
        return "—"
    return " · ".join(f"L{level} {count}" for level, count in sorted(levels.items()) if count) or "—"
