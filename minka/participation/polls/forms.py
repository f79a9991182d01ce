"""Forms of date polls: a new poll with its proposed dates, and one person's answers.

Dates and times are entered in the site's time zone (America/Lima) with the browser's
date-and-time picker (``datetime-local``); Django makes them aware in that zone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from minka.core.inputs import typed_input
from minka.core.visibility import Visibility
from minka.core.widgets import CheckboxPicker
from minka.directory.models import Organization
from minka.meetings.models import Modality, Series
from minka.participation.polls import services
from minka.participation.polls.models import MAX_OPTIONS, Answer

if TYPE_CHECKING:
    from minka.participation.polls.models import DateOption
    from minka.participation.polls.services import DatePollData

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def option_name(index: int) -> str:
    return f"option_{index}"


class DatePollForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the meeting"),
        max_length=200,
        help_text=_("For example: Monthly meeting of the network, March."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. You can use Markdown."),
    )
    series = forms.ModelChoiceField(
        label=_("Series"),
        required=False,
        queryset=Series.objects.order_by("title"),
        empty_label=_("No series"),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see and answer it"),
        choices=[
            (Visibility.MEMBERS, _("Members of the network")),
            (Visibility.PUBLIC, _("Anyone with an account (public)")),
        ],
        initial=Visibility.MEMBERS,
    )
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Shown only to members, whatever the poll's visibility."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=720, initial=120
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Convening organizations"),
        required=False,
        queryset=Organization.objects.order_by("name"),
        widget=CheckboxPicker,
        help_text=_("Their people are invited when the date is chosen, with those who can come."),
    )
    closes_at = forms.DateTimeField(
        label=_("Answers close at (optional)"),
        required=False,
        widget=_datetime_widget(),
        help_text=_("Date and time in Lima. Leave it empty to close when you choose the date."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(1, MAX_OPTIONS + 1):
            self.fields[option_name(index)] = forms.DateTimeField(
                label=_("Proposed date %(number)d") % {"number": index},
                required=index <= 2,
                widget=_datetime_widget(),
                help_text=_("Date and start time in Lima.") if index == 1 else "",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        options = [cleaned.get(option_name(i)) for i in range(1, MAX_OPTIONS + 1)]
        now = timezone.now()
        try:
            starts = services.options_check(options, now=now)
            services.closing_check(cleaned.get("closes_at"), starts, now=now)
        except ValidationError as error:
            self.add_error(None, error)
        else:
            cleaned["options"] = starts
        return cleaned

    def data_for_service(self) -> DatePollData:
        return typed_input(services.DatePollData, self.cleaned_data)


class AnswerForm(forms.Form):
    """One radio group per option: yes, if need be, no."""

    def __init__(self, *args: Any, options: list[DateOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        for option in options:
            self.fields[f"o{option.pk}"] = forms.ChoiceField(
                label=formats.date_format(timezone.localtime(option.starts_at), "DATETIME_FORMAT"),
                choices=Answer.choices,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[int, str]:
        return {option.pk: self.cleaned_data[f"o{option.pk}"] for option in self.options}


class ChooseForm(forms.Form):
    option = forms.IntegerField(min_value=1, max_value=2**31 - 1)
