"""System checks for login security (run by ``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_required_in_production(app_configs, **kwargs):
    """MLPS level 3 asks for a second factor for the administrators and the authorities; a production settings file
    that asks it of nobody is almost certainly a test or demo setting carried over."""
    if settings.DEBUG or settings.MFA_REQUIRED_ROLES:
        return []
    return [
        Warning(
            "MFA_REQUIRED_ROLES is empty: nobody is asked for a second factor after the password.",
            hint="Unset MFA_REQUIRED_ROLES for the default (authority, national, institution_admin and the three "
            "administrator roles), or name the roles that need it.",
            id="accounts.W001",
        )
    ]
