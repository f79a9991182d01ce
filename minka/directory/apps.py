from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "minka.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from minka.directory import (  # noqa: F401  (registrations)
            emails,  # the directory's emails
            follows,  # topics and organizations can be followed
            integrity,
            notifications_consent,  # consent to notifications, for the outbox
            portability_notifications,  # the notifications' sections of an export
            search_index,
        )

        integrity.register()
        search_index.register()
