from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selections"
    verbose_name = _("Calls and selections")
