from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "minka.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from minka.notifications import (  # noqa: F401  (registrations)
            retention,  # the outbox's retention
            schedule,  # the digest kind
        )
        from minka.notifications.webhooks import ping  # noqa: F401  (the webhooks' test event)
