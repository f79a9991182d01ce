from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minka.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from minka.accounts import (  # noqa: F401  (registrations)
            emails,  # the invitation email
            signals,  # audit of sign-in events
        )
