from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enterprises import credit_code


def validate_credit_code(value: str) -> None:
    """Validator on the model field, so forms, the API and the admin give the same message."""
    errors = []
    for kind, params in credit_code.problems(value):
        if kind == "length":
            message = _("A unified social credit code has 18 characters; this one has {length}.")
        elif kind == "lowercase":
            message = _("Character {position} ('{char}') must be an upper-case letter.")
        elif kind == "character":
            message = _(
                "Character {position} ('{char}') is not allowed: "
                "use digits and upper-case letters except I, O, S, V, Z."
            )
        else:
            message = _(
                "The check character (the 18th) is wrong: for these first 17 characters it must be '{expected}', "
                "not '{given}'. Please check the code for a typing error."
            )
        errors.append(ValidationError(message.format(**params), code=f"credit_code_{kind}", params=params))
    if errors:
        raise ValidationError(errors)
