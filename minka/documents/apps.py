from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "minka.documents"
    label = "documents"
    verbose_name = _("Repository")

    def ready(self) -> None:
        from minka.documents import search_index

        search_index.register()
