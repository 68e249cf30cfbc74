from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.exceptions import DomainError


def add_errors(form: forms.Form, exc: ValidationError | DomainError) -> None:
    """Show a service's error on the form: on the field it names where the form has one, else at the top."""
    if isinstance(exc, DomainError):
        for field, messages in exc.fields.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        if not exc.fields:
            form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target if field != NON_FIELD_ERRORS else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def report_errors(request, errors) -> None:
    """Show a form's errors (or a ValidationError's messages) as page messages, for forms that redirect."""
    from django.contrib import messages

    if isinstance(errors, ValidationError):
        found = errors.messages
    else:
        found = [error for field_errors in errors.values() for error in field_errors]
    for message in found:
        messages.error(request, message)


def run_step(request, step) -> bool:
    """Run one service call for a form that redirects: its success message, or its errors, as page messages.
    ``step`` returns the success message; True when it succeeded."""
    from django.contrib import messages

    try:
        message = step()
    except ValidationError as exc:
        report_errors(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
        return True
    return False
