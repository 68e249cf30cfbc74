"""A call's application form as data: checking the definition, and checking an applicant's answers against it.

A field is a dict: ``key``, ``label_zh``, ``label_en``, ``type`` (``FieldType``), ``required`` (bool), and by type
``choices`` (a list of ``{"value", "label_zh", "label_en"}``, for a choice or several), ``max_length`` (text),
``min``/``max`` (number).
Drafts keep whatever valid answers they have; submission also needs every required one.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.models import pick_language
from selections.choices import FieldType

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_LENGTH = {FieldType.TEXT: 200, FieldType.LONG_TEXT: 5000}


def label(field: dict) -> str:
    return pick_language(field.get("label_zh", ""), field.get("label_en", ""))


def definition_problems(fields: list) -> list[str]:
    """Every problem of a form definition, at once (empty: fine)."""
    problems = []
    if not isinstance(fields, list):
        return [_("The form must be a list of fields.")]
    seen = set()
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            problems.append(_("Field {n} is not an object.").format(n=position))
            continue
        key = field.get("key", "")
        if not isinstance(key, str) or not KEY.match(key):
            problems.append(_("Field {n}: the key must be lower-case letters, digits and _.").format(n=position))
        elif key in seen:
            problems.append(_("Field {n}: the key {key} is used twice.").format(n=position, key=key))
        seen.add(key)
        if not field.get("label_zh") or not field.get("label_en"):
            problems.append(_("Field {n}: give the label in Chinese and in English.").format(n=position))
        if field.get("type") not in FieldType.values:
            problems.append(_("Field {n}: unknown type.").format(n=position))
        if field.get("type") in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not field.get("choices"):
            problems.append(_("Field {n}: a choice field needs its choices.").format(n=position))
    return problems


def _clean(field: dict, value):
    """The answer in its stored form, or raise ValueError with the message for the applicant."""
    kind = field["type"]
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        text = str(value).strip()
        limit = field.get("max_length") or MAX_LENGTH[kind]
        if len(text) > limit:
            raise ValueError(_("At most {limit} characters.").format(limit=limit))
        return text
    if kind == FieldType.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if field.get("min") is not None and number < Decimal(str(field["min"])):
            raise ValueError(_("At least {low}.").format(low=field["min"]))
        if field.get("max") is not None and number > Decimal(str(field["max"])):
            raise ValueError(_("At most {high}.").format(high=field["max"]))
        return str(number)
    if kind == FieldType.CHOICE:
        values = [choice["value"] for choice in field.get("choices", [])]
        if value not in values:
            raise ValueError(_("Choose one of the options."))
        return value
    if kind == FieldType.MULTI_CHOICE:
        chosen = [value] if isinstance(value, str) else list(value)
        values = [choice["value"] for choice in field.get("choices", [])]
        if any(item not in values for item in chosen):
            raise ValueError(_("Choose among the options."))
        return [item for item in values if item in chosen]  # in the form's order, once each
    if kind == FieldType.DATE:
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    raise ValueError(_("This field cannot be answered."))


def clean_answers(fields: list[dict], data: dict, *, complete: bool) -> tuple[dict, dict[str, str]]:
    """The answers to keep and the errors by field key. Unknown keys are errors; empty answers are dropped
    (and are errors for required fields when ``complete``)."""
    cleaned, errors = {}, {}
    known = {field["key"]: field for field in fields}
    for key in data:
        if key not in known:
            errors[key] = _("This form has no such field.")
    for key, field in known.items():
        value = data.get(key)
        if value is None or (
            isinstance(value, str | list) and not (value.strip() if isinstance(value, str) else value)
        ):
            if complete and field.get("required"):
                errors[key] = _("{label}: this field is required.").format(label=label(field))
            continue
        try:
            cleaned[key] = _clean(field, value)
        except ValueError as exc:
            errors[key] = f"{label(field)}: {exc}"
    return cleaned, errors


def answers_for_display(fields: list[dict], data: dict) -> list[tuple[str, str]]:
    """(label, answer) in the form's order, a choice shown by its label; unanswered questions show empty."""
    rows = []
    for field in fields:
        value = data.get(field["key"], "")
        if field["type"] == FieldType.CHOICE:
            value = next((label(c) for c in field.get("choices", []) if c["value"] == value), value)
        elif field["type"] == FieldType.MULTI_CHOICE:
            value = ", ".join(label(c) for c in field.get("choices", []) if c["value"] in (value or []))
        rows.append((label(field), value))
    return rows
