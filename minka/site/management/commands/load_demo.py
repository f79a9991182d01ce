"""``minka load_demo``: demo accounts and content, safe to run again and again."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from minka.site import demo


class Command(BaseCommand):
    help = "Load the demo accounts and content (idempotent). Passwords are printed only in debug."

    def handle(self, *args: Any, **options: Any) -> None:
        password = demo.DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(24)
        with transaction.atomic():
            created = demo.load(password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new objects). All demo content is labelled as demo."
            )
        )
        self.stdout.write("Demo accounts:")
        for email, role in demo.ACCOUNTS:
            if settings.DEBUG:
                self.stdout.write(f"  {role:<12} {email:<28} password: {password}")
            else:
                self.stdout.write(f"  {role:<12} {email}")
        if settings.DEBUG:
            self.stdout.write(
                "Coordinator and admin set up two-factor authentication at their first sign-in."
            )
        else:
            self.stdout.write("Passwords are not shown outside debug mode; reset them by email.")
