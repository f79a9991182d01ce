from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "minka.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from minka.agreements import (  # noqa: F401  (registrations)
            bot,  # its commands of the Telegram bot
            hooks,  # its sections and providers in the apps below
            notifications,  # its kinds of event and the planner of reminders
            portability,  # its sections of a person's data export
            search_index,
        )

        search_index.register()
