from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "minka.documents"
    label = "documents"
    verbose_name = _("Repository")

    def ready(self) -> None:
        from minka.documents import (  # noqa: F401  (registrations)
            bot,  # its commands of the Telegram bot
            hooks,  # the documents section of an organization's page
            integrity,
            notifications,  # "a document was added"
            portability,  # the documents' part of a person's data export
            search_index,
        )

        integrity.register()
        search_index.register()
