"""Forms of the notifications pages: a person's preferences, a follow button, the
coordinators' filter of the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minka.notifications.kinds import PERSONAL_CHANNELS, Channel, Frequency
from minka.notifications.models import Message

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.forms import BoundField
    from django.utils.functional import Promise

    from minka.notifications.kinds import EventKind

# A field is named ``<kind code>__<channel>``: a posted name with a channel's suffix that
# names no field is a kind that does not exist (any more), refused as such.
_SUFFIXES = tuple(f"__{channel}" for channel in PERSONAL_CHANNELS)


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


@dataclass
class PreferenceCell:
    channel: str | Promise
    field: BoundField


@dataclass
class PreferenceRow:
    """One kind of event with its field per personal channel, for the template."""

    kind: EventKind
    cells: list[PreferenceCell]


@dataclass
class PreferenceGroup:
    label: str | Promise
    rows: list[PreferenceRow]


# The consent to news on each personal channel (Ley 29733): a checkbox each.
CONSENT_LABELS = {
    Channel.EMAIL: _("I agree to receive news by email"),
    Channel.TELEGRAM: _("I agree to receive news by Telegram"),
}


def consent_name(channel: str) -> str:
    return f"consent-{channel}"


class PreferencesForm(forms.Form):
    """The consent to news per personal channel, and how often each configurable kind of
    event reaches the person on each.

    Every field starts at what applies now: the person's consent and choice, or the kind's
    default. A complete form must come back (the page sends every select);
    :meth:`changes` and :meth:`consent_changes` list only what differs from now.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        kinds: list[EventKind],
        chosen: Mapping[tuple[str, str], str],
        consent: Mapping[str, bool],
    ) -> None:
        super().__init__(data)
        self.kinds = kinds
        self.consent = dict(consent)
        for channel in PERSONAL_CHANNELS:
            self.fields[consent_name(channel)] = forms.BooleanField(
                label=CONSENT_LABELS[channel], required=False, initial=consent.get(channel)
            )
        self.current: dict[str, tuple[str, str, str]] = {}
        for kind in kinds:
            for channel in PERSONAL_CHANNELS:
                name = field_name(kind.code, channel)
                now = chosen.get((kind.code, channel)) or kind.default(channel)
                self.current[name] = (kind.code, channel, now)
                self.fields[name] = forms.ChoiceField(
                    label=gettext("%(event)s (%(channel)s)")
                    % {"event": kind.label, "channel": Channel(channel).label},
                    choices=Frequency.choices,
                    initial=now,
                    required=False,
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = [key for key in self.data if key.endswith(_SUFFIXES) and key not in self.fields]
        if unknown:
            raise ValidationError(
                gettext(
                    "The form names an event that does not exist (any more). Nothing was "
                    "saved: open the page again and choose once more."
                ),
                code="unknown_kind",
            )
        missing = [name for name in self.current if not self.data.get(name)]
        if missing:
            raise ValidationError(
                gettext("Choose how often for every event and channel. Nothing was saved."),
                code="incomplete",
            )
        return cleaned

    def changes(self) -> list[tuple[str, str, str]]:
        """``(kind, channel, frequency)`` of each cell whose value differs from what applies
        now (call after ``is_valid``)."""
        return [
            (kind, channel, self.cleaned_data[name])
            for name, (kind, channel, now) in self.current.items()
            if self.cleaned_data.get(name) and self.cleaned_data[name] != now
        ]

    def consent_changes(self) -> list[tuple[str, bool]]:
        """``(channel, granted)`` of each consent that changes (call after ``is_valid``)."""
        return [
            (channel, bool(self.cleaned_data.get(consent_name(channel))))
            for channel in PERSONAL_CHANNELS
            if bool(self.cleaned_data.get(consent_name(channel))) != self.consent.get(channel)
        ]

    def consent_fields(self) -> list[BoundField]:
        return [self[consent_name(channel)] for channel in PERSONAL_CHANNELS]

    def groups(self) -> list[PreferenceGroup]:
        """The rows grouped by the kinds' ``group``, groups in order of first appearance."""
        groups: dict[str, PreferenceGroup] = {}
        for kind in self.kinds:
            group = groups.setdefault(str(kind.group), PreferenceGroup(kind.group, []))
            cells = [
                PreferenceCell(Channel(channel).label, self[field_name(kind.code, channel)])
                for channel in PERSONAL_CHANNELS
            ]
            group.rows.append(PreferenceRow(kind, cells))
        return list(groups.values())

    @staticmethod
    def channels() -> list[str | Promise]:
        """The columns' headings: the personal channels."""
        return [Channel(channel).label for channel in PERSONAL_CHANNELS]


class FollowForm(forms.Form):
    """A follow button: the target (a registered type and an id), and where to go back."""

    type = forms.CharField(max_length=40)
    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    action = forms.ChoiceField(
        choices=[("follow", _("Follow")), ("unfollow", _("Stop following"))], required=False
    )
    next = forms.CharField(max_length=2000, required=False)


class OutboxFilterForm(forms.Form):
    """The outbox list's filter: a status, or (empty) the failed and given-up messages."""

    PROBLEMS = (Message.Status.FAILED, Message.Status.DEAD)

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Failed and given up")), *Message.Status.choices],
    )

    def statuses(self) -> tuple[str, ...]:
        """The statuses to list: an unknown value falls back to the problems, not an error
        page (as every list filter of the site does)."""
        if self.is_valid() and self.cleaned_data["status"]:
            return (self.cleaned_data["status"],)
        return self.PROBLEMS
