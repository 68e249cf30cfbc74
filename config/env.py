"""Strict readers for environment variables.

Settings come from the environment only. A value that cannot be parsed is an error at start-up,
never a silent default: ``DEBUG=yess`` stops the process instead of meaning False.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use one of: {sorted(_TRUE | _FALSE)}).")


def env_int(name: str, *, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    return value


def env_float(name: str, *, default: float, minimum: float | None = None, maximum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from exc
    if value != value:  # NaN
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum of {maximum}.")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_dates(name: str) -> list:
    """A comma-separated list of ISO dates (2026-10-01,2026-10-02); a malformed one is an error naming it."""
    from datetime import date

    dates = []
    for item in env_list(name, default=[]):
        try:
            dates.append(date.fromisoformat(item))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {item!r} is not a date (use YYYY-MM-DD).") from exc
    return dates


def env_int_map(name: str, *, keys: set[str], minimum: int = 0) -> dict[str, int]:
    """A comma-separated list of key=number (platform_admin=60,enterprise_member=180); an unknown key or a bad
    number is an error naming it."""
    found = {}
    for item in env_list(name, default=[]):
        key, _sep, raw = item.partition("=")
        key = key.strip()
        if key not in keys:
            raise ImproperlyConfigured(f"{name}: {key!r} is not one of {sorted(keys)}.")
        try:
            value = int(raw.strip())
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {item!r} is not key=whole number.") from exc
        if value < minimum:
            raise ImproperlyConfigured(f"{name}: {item!r} is below the minimum of {minimum}.")
        found[key] = value
    return found


def env_subset(name: str, *, choices: set[str], default: set[str]) -> frozenset[str]:
    """A comma-separated subset of ``choices``. Unset means ``default``; set but empty means none (so a test or a
    demo can turn a safeguard off on purpose). An unknown item is an error naming it."""
    raw = os.environ.get(name)
    if raw is None:
        return frozenset(default)
    items = {item.strip() for item in raw.split(",") if item.strip()}
    unknown = items - choices
    if unknown:
        raise ImproperlyConfigured(f"{name}: {sorted(unknown)} not among {sorted(choices)}.")
    return frozenset(items)


def require_production_secret_key() -> None:
    """Called by the server entry points: outside DEBUG, the secret key must come from the environment."""
    from django.conf import settings

    if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
