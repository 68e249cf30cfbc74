"""One error type for broken business rules; every app subclasses it.

Services raise ``DomainError`` (or a subclass) when a rule forbids an action, and Django's
``ValidationError`` for bad data. The API exception handler and the HTML views show both the same way.
"""


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
