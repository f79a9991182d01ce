"""Forms of the meetings area: the list's filters, a meeting, an agenda item, files and
links for an item, and the next meeting's date.

Dates and times are entered in the site's time zone (America/Lima) as a date plus a start
and an end time; :meth:`MeetingForm.data_for_service` turns them into aware datetimes.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import URLValidator
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from minka.core.inputs import typed_input
from minka.core.visibility import Visibility
from minka.core.widgets import CheckboxPicker
from minka.directory.models import Organization, Person
from minka.documents.forms import MultipleFileField, UploadsMixin
from minka.documents.models import Document, License
from minka.meetings.models import AgendaItem, Meeting, Modality, Series
from minka.meetings.services.meetings import MeetingData

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from minka.core.types import Actor

_WHEN_FIELDS = {"date", "start_time", "end_time"}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_widget() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def combine(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A local date and time as an aware datetime in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


class MeetingFilterForm(forms.Form):
    series = forms.ModelChoiceField(
        label=_("Series"),
        required=False,
        queryset=Series.objects.none(),
        to_field_name="slug",
        empty_label=_("All series"),
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, series: QuerySet[Series], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["series"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        field.queryset = series
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)  # noqa: S101 (narrows the type)
        year.choices = [("", _("All years")), *((str(y), str(y)) for y in years)]

    def filters(self) -> dict[str, Any]:
        """The valid filters: a value that does not validate is dropped, not an error page."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class _WhenMixin(forms.Form):
    """A date with start and end times, checked to end after it starts."""

    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), widget=_time_widget())
    end_time = forms.TimeField(label=_("Ends at"), widget=_time_widget())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, start, end = (cleaned.get(k) for k in ("date", "start_time", "end_time"))
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The meeting must end after it starts."))
            else:
                cleaned["starts_at"] = combine(day, start)
                cleaned["ends_at"] = combine(day, end)
        return cleaned

    @staticmethod
    def when_initial(starts_at: datetime.datetime, ends_at: datetime.datetime) -> dict[str, Any]:
        start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        return {"date": start.date(), "start_time": start.time(), "end_time": end.time()}


class MeetingForm(_WhenMixin):
    series = forms.ModelChoiceField(
        label=_("Series"), required=False, queryset=Series.objects.order_by("title")
    )
    number = forms.IntegerField(
        label=_("Number in the series"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Leave it empty to take the series' next number."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Shown only to members, whatever the meeting's visibility."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    allow_public_rsvp = forms.BooleanField(
        label=_("Anyone with an account may answer “Will you attend?” (public meetings)"),
        required=False,
        help_text=_("Members may always answer. Visitors are asked to sign in first."),
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Convening organizations"),
        required=False,
        queryset=Organization.objects.order_by("name"),
        widget=CheckboxPicker,
    )
    field_order = ["series", "number", "title", "description", "date", "start_time", "end_time"]

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        fields = ("series", "number", "title", "description", "modality", "place")
        return {
            **{name: getattr(meeting, name) for name in fields},
            "online_url": meeting.online_url,
            "visibility": meeting.visibility,
            "allow_public_rsvp": meeting.allow_public_rsvp,
            "organizations": list(meeting.organizations.all()),
            **cls.when_initial(meeting.starts_at, meeting.ends_at),
        }

    def data_for_service(self) -> MeetingData:
        """The cleaned values as the services take them (``starts_at``/``ends_at``)."""
        return typed_input(MeetingData, self.cleaned_data)


class NextMeetingForm(_WhenMixin):
    """The date of the next meeting, prefilled with the cadence's (or the minutes') date.

    A date already past is not scheduled silently: the form comes back with a warning and
    a "Yes, the date is in the past" box (hidden until then), which must be ticked."""

    confirm_past = forms.BooleanField(
        label=_("Yes, the date is in the past"), required=False, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start = cleaned.get("starts_at")
        if start is not None and start <= timezone.now() and not cleaned.get("confirm_past"):
            self.fields["confirm_past"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_past",
                _(
                    "%(date)s is in the past. Choose a later date, or tick “Yes, the date is "
                    "in the past” to schedule it anyway."
                )
                % {"date": formats.date_format(timezone.localtime(start), "DATETIME_FORMAT")},
            )
        return cleaned


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown is allowed."),
    )
    presenter = forms.ModelChoiceField(
        label=_("Presenter"),
        required=False,
        queryset=Person.objects.none(),
        help_text=_("A person of the directory."),
    )
    presenter_text = forms.CharField(
        label=_("Or a guest presenter who is not in the directory"),
        required=False,
        max_length=200,
        help_text=_("Their name as it should appear. Everyone who can see the meeting reads it."),
    )
    presenter_organization = forms.ModelChoiceField(
        label=_("Presenter's organization"),
        required=False,
        queryset=Organization.objects.order_by("name"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Planned duration (minutes)"), required=False, min_value=1, max_value=1440
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        from minka.directory.permissions import people_visible_to

        super().__init__(*args, **kwargs)
        presenter = self.fields["presenter"]
        assert isinstance(presenter, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        presenter.queryset = people_visible_to(user).order_by("full_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("presenter") and data.get("presenter_text"):
            self.add_error(
                "presenter_text",
                _("Choose a person of the directory or write a guest's name, not both."),
            )
        return data


class AgendaUploadForm(UploadsMixin, forms.Form):
    """Files presented under an agenda item; each becomes a presentation in the repository
    with the meeting's visibility."""

    uploads = MultipleFileField(label=_("Files"), required=True)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=300,
        help_text=_(
            "Leave it empty to use the file name. With several files, each document takes "
            "the name of its file."
        ),
    )
    license = forms.ChoiceField(label=_("License"), choices=License.choices, initial=License.CC_BY)


class DocumentSearchForm(forms.Form):
    """The text box that narrows the documents offered by :class:`AgendaLinkForm` (GET)."""

    q = forms.CharField(label=_("Find documents by title"), required=False, max_length=200)

    def query(self) -> str:
        return str(self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""


class AgendaLinkForm(forms.Form):
    """Documents of the repository the coordinator may see, ticked in a list (at most
    ``LINK_CHOICES`` are offered at once; the search box narrows them). Any visible
    document validates, so a list that changed in between does not refuse a good choice."""

    LINK_CHOICES = 50

    documents = forms.ModelMultipleChoiceField(
        label=_("Documents of the repository"),
        queryset=Document.objects.none(),
        to_field_name="public_id",
        widget=CheckboxPicker,
        error_messages={
            "required": _("Choose at least one document."),
            "invalid_choice": _("One of the chosen documents does not exist or is hidden."),
            "invalid_pk_value": _("One of the chosen documents does not exist or is hidden."),
        },
    )

    def __init__(
        self, *args: Any, user: Actor, item: AgendaItem, query: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        visible = Document.objects.visible_to(user)
        field = self.fields["documents"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 (narrows the type)
        field.queryset = visible
        offered = visible.exclude(agenda_items=item)
        offered = offered.filter(title__icontains=query) if query else offered
        self.offered = list(offered.order_by("-created_at", "-pk")[: self.LINK_CHOICES + 1])
        self.more = len(self.offered) > self.LINK_CHOICES
        self.offered = self.offered[: self.LINK_CHOICES]
        field.widget.choices = [(str(d.public_id), d.title) for d in self.offered]
