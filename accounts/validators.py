import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Password complexity (MLPS level 3): at least ``min_classes`` of upper case, lower case, digits, symbols."""

    CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits)

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def _count(self, password: str) -> int:
        found = sum(any(ch in chars for ch in password) for chars in self.CLASSES)
        return found + any(not ch.isalnum() for ch in password)

    def validate(self, password: str, user=None) -> None:
        if self._count(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least {count} of these four kinds of character: upper-case letters, "
            "lower-case letters, digits, symbols."
        ).format(count=self.min_classes)
