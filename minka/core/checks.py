"""System checks: what a production deployment must configure."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_controller_identity(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Ley 29733: the privacy notice must name who holds the personal data."""
    missing = [
        f"MINKA_{name.upper()}"
        for name in ("controller_name", "controller_ruc", "controller_address", "privacy_email")
        if not settings.CONTROLLER[name.removeprefix("controller_")]
    ]
    if not missing:
        return []
    return [
        Warning(
            "The data controller is not fully identified: set " + ", ".join(missing) + ".",
            hint="Ley 29733 requires the privacy notice to name the holder of the data bank.",
            id="minka.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_base_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.BASE_URL.startswith("https://"):
        return []
    return [
        Warning(
            "MINKA_BASE_URL should be an https:// address in production.",
            hint="Links in emails and calendars are built from it.",
            id="minka.W002",
        )
    ]
