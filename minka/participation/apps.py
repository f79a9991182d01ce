from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each mechanism is a sub-package with its own models, services, views and tests.
AREAS = ("proposals", "consultations", "applications", "polls")


class ParticipationConfig(AppConfig):
    name = "minka.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        # Each area's registrations in the apps below: kinds of event, search types, bot
        # commands, sections of a person's data export, erasure and retention hooks.
        for area in AREAS:
            import_module(f"minka.participation.{area}.registrations")
