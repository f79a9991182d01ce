"""The confirmation asked before approving minutes (see ``views.minutes_approve``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ApproveForm(forms.Form):
    """One required box: approval locks the content, so it is never a single click."""

    confirm = forms.BooleanField(
        label=_("I have read the pending observations and I approve the minutes now"),
        required=True,
        error_messages={
            "required": _(
                "Tick the box to confirm the approval. Nothing was changed: the minutes "
                "are still in review."
            )
        },
    )
