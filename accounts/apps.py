from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        from accounts import checks, signals  # noqa: F401  (registers the system checks, connects the audit receivers)
