from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "minka.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from minka.meetings import (  # noqa: F401  (registrations)
            bot,  # its commands of the Telegram bot
            follows,  # a series can be followed
            integrity,
            notifications,  # the kinds of event and the reminders' planner
            portability,  # the meetings' part of a person's data export
            search_index,
        )
        from minka.meetings.minutes import pdf_store
        from minka.meetings.models import Meeting

        integrity.register()
        search_index.register()

        # Stored files are cleaned up on delete, as documents' are (not a workflow signal).
        post_delete.connect(
            pdf_store.forget_deleted_meeting, sender=Meeting, dispatch_uid="minutes-pdf"
        )
