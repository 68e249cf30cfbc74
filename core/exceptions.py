"""One error type for broken business rules (every app subclasses it), and one for actions a role may not take.

Services raise ``DomainError`` (or a subclass) when a rule forbids an action, and Django's
``ValidationError`` for bad data. The API exception handler and the HTML views show both the same way.
"""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """A business rule refused the action. ``code`` is stable and machine-readable; ``message`` is translated."""

    default_code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}

    def __str__(self) -> str:
        return str(self.message)


class NotPermitted(PermissionDenied):
    """The user's role does not allow the action (as opposed to a rule about the data).

    Being a ``PermissionDenied``, it becomes the 403 page (and an audit row) in HTML views without any view code,
    and a 403 in the API's error shape.
    """

    def __init__(self, message: str, *, code: str = "not_permitted"):
        super().__init__(message)
        self.message = message
        self.code = code
