"""The coordinators' form for a webhook: its address, a description and the events it gets.

The form checks the shape of the input; the services check the rest (the address after DNS
resolution, the events against the announced kinds) and their refusals come back as errors
on the same fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.notifications.kinds import announced_kinds

if TYPE_CHECKING:
    from minka.notifications.models import WebhookEndpoint


def kind_choices() -> list[tuple[str, str]]:
    """The announced kinds, in registration order (their labels name the event in full:
    "A meeting is scheduled", "Minutes are published")."""
    return [(kind.code, str(kind.label)) for kind in announced_kinds()]


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The receiver's https address, reachable from the internet. Addresses of private "
            "or internal networks are refused."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=200,
        required=False,
        help_text=_("Who runs the receiver and what it is for."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Events"),
        choices=kind_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    @classmethod
    def initial_for(cls, endpoint: WebhookEndpoint) -> dict[str, Any]:
        return {"url": endpoint.url, "description": endpoint.description, "kinds": endpoint.kinds}

    def data_for_service(self) -> dict[str, Any]:
        """The keyword arguments of ``endpoint_create`` and ``endpoint_update``."""
        return {
            "url": self.cleaned_data["url"],
            "description": self.cleaned_data["description"],
            "kinds": list(self.cleaned_data["kinds"]),
        }
