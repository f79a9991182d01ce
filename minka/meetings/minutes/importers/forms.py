"""Forms of the "Importar acta" page: the upload, then the parsed structure to correct.

The second form is stateless: the page carries every parsed field, the coordinator corrects
any of them, and the confirmation posts them all back (nothing of the upload is kept on
the server between the two steps). Lists of plain items are one item per line; each
presentation, agreement and attendee gets its own fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minka.core.visibility import Visibility
from minka.meetings.minutes.importers.formats import MAX_BYTES, SUPPORTED_EXTENSIONS
from minka.meetings.minutes.importers.matching import Candidates
from minka.meetings.minutes.importers.parsed import (
    ParsedAgreement,
    ParsedAttendee,
    ParsedMinutes,
    ParsedNextMeeting,
    ParsedPresentation,
)
from minka.meetings.minutes.importers.service import AttendeeChoice, Keep
from minka.meetings.models import Series

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from minka.directory.models import Person

MAX_ROWS = 200  # presentations, agreements or attendees on one page
TEXT = 500
SOURCE_MAX = 200_000


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Minutes file"),
        help_text=_(
            "Text, Markdown, PDF with text, Word (.docx) or OpenDocument (.odt); up to %(mb)s MB."
        )
        % {"mb": MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )
    year = forms.IntegerField(
        label=_("Year of the meeting"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("For minutes that say “del presente”; otherwise the current year."),
    )


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _optional(value: str) -> str | None:
    value = " ".join(value.split())
    return value or None


class ImportForm(forms.Form):
    """Every field of a :class:`ParsedMinutes`, correctable, plus where the meeting goes."""

    source_name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)
    # The text read from the file, carried so that a correction can still be checked
    # against it; capped so that the confirmation stays a small request.
    source_text = forms.CharField(widget=forms.HiddenInput, required=False, max_length=SOURCE_MAX)
    presentation_count = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS
    )
    agreement_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS)
    attendee_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS)
    series = forms.ModelChoiceField(
        label=_("Series"),
        required=False,
        queryset=Series.objects.order_by("title"),
        help_text=_("Proposed from the title and from the meetings already held."),
    )
    new_series = forms.CharField(
        label=_("Or a new series"),
        required=False,
        max_length=200,
        help_text=_("Only if the meeting belongs to no series in the list."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see the meeting"), choices=Visibility.choices, initial=Visibility.MEMBERS
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    date = forms.DateField(
        label=_("Date of the meeting"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line."),
    )
    interventions = forms.CharField(
        label=_("Interventions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item per line."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line."),
    )
    next_date = forms.DateField(
        label=_("Next meeting: date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    next_time = forms.TimeField(
        label=_("Next meeting: time"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    next_text = forms.CharField(
        label=_("Next meeting: as written"), required=False, max_length=TEXT
    )

    def __init__(self, *args: Any, candidates: Sequence[Candidates] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        counts = {name: self._count(name) for name in ("presentation", "agreement", "attendee")}
        for i in range(counts["presentation"]):
            self.fields[f"p{i}_presenter"] = forms.CharField(
                label=_("Presentation %(n)s: presenter") % {"n": i + 1},
                required=False,
                max_length=150,
            )
            self.fields[f"p{i}_organization"] = forms.CharField(
                label=_("Presentation %(n)s: organization") % {"n": i + 1},
                required=False,
                max_length=200,
            )
            self.fields[f"p{i}_points"] = forms.CharField(
                label=_("Presentation %(n)s: points, one per line") % {"n": i + 1},
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        for i in range(counts["agreement"]):
            self.fields[f"a{i}_text"] = forms.CharField(
                label=_("Agreement %(n)s") % {"n": i + 1},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"a{i}_responsible"] = forms.CharField(
                label=_("Agreement %(n)s: responsible") % {"n": i + 1},
                required=False,
                max_length=TEXT,
            )
            self.fields[f"a{i}_due"] = forms.DateField(
                label=_("Agreement %(n)s: due date") % {"n": i + 1},
                required=False,
                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            )
        for i in range(counts["attendee"]):
            self.fields[f"t{i}_name"] = forms.CharField(
                label=_("Attendee %(n)s") % {"n": i + 1}, required=False, max_length=150
            )
            self.fields[f"t{i}_organization"] = forms.CharField(
                label=_("Attendee %(n)s: organization") % {"n": i + 1},
                required=False,
                max_length=200,
            )
            found = self.candidate(i)
            self.fields[f"t{i}_keep"] = forms.ChoiceField(
                label=_("Attendee %(n)s: record as") % {"n": i + 1},
                choices=_keep_choices(found),
                initial=f"p{found.exact[0].pk}" if len(found.exact) == 1 else Keep.TEXT,
                widget=forms.RadioSelect,
            )

    def candidate(self, index: int) -> Candidates:
        """The directory people attendee ``index`` may refer to."""
        if index < len(self.candidates):
            return self.candidates[index]
        return Candidates(exact=[], close=[])

    @classmethod
    def posted_names(cls, data: Mapping[str, Any]) -> list[str]:
        """The attendees' names in posted ``data``, before validation (to look up the
        people offered for each)."""
        try:
            count = max(0, min(MAX_ROWS, int(data.get("attendee_count") or 0)))
        except (TypeError, ValueError):
            count = 0
        return [str(data.get(f"t{i}_name") or "")[:150] for i in range(count)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("series") is None and not " ".join(data.get("new_series", "").split()):
            self.add_error(
                "series",
                _("Choose the series of the meeting, or give a new series a name."),
            )
        elif data.get("series") is not None and data.get("new_series", "").strip():
            self.add_error(
                "new_series", _("Choose a series from the list or name a new one, not both.")
            )
        return data

    def _count(self, name: str) -> int:
        key = f"{name}_count"
        raw = self.data.get(self.add_prefix(key)) if self.is_bound else self.initial.get(key)
        try:
            return max(0, min(MAX_ROWS, int(raw or 0)))
        except (TypeError, ValueError):
            return 0

    @classmethod
    def initial_for(
        cls,
        parsed: ParsedMinutes,
        *,
        source_name: str,
        source_text: str,
        series: Series | None = None,
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "series": series,
            "source_name": source_name,
            "source_text": source_text[:SOURCE_MAX],
            "presentation_count": min(len(parsed.presentations), MAX_ROWS),
            "agreement_count": min(len(parsed.agreements), MAX_ROWS),
            "attendee_count": min(len(parsed.attendees), MAX_ROWS),
            "title": parsed.title or "",
            "date": parsed.date,
            "place": parsed.place or "",
            "agenda": "\n".join(parsed.agenda),
            "interventions": "\n".join(parsed.interventions),
            "notes": "\n".join(parsed.notes),
        }
        if parsed.next_meeting:
            initial |= {
                "next_date": parsed.next_meeting.date,
                "next_time": parsed.next_meeting.time,
                "next_text": parsed.next_meeting.text,
            }
        for i, p in enumerate(parsed.presentations[:MAX_ROWS]):
            initial |= {
                f"p{i}_presenter": p.presenter or "",
                f"p{i}_organization": p.organization or "",
                f"p{i}_points": "\n".join(p.points),
            }
        for i, a in enumerate(parsed.agreements[:MAX_ROWS]):
            initial |= {
                f"a{i}_text": a.text,
                f"a{i}_responsible": a.responsible or "",
                f"a{i}_due": a.due,
            }
        for i, t in enumerate(parsed.attendees[:MAX_ROWS]):
            initial |= {f"t{i}_name": t.name, f"t{i}_organization": t.organization or ""}
        return initial

    def rows(
        self, prefix: str, count_name: str, names: tuple[str, ...]
    ) -> list[list[forms.BoundField]]:
        return [[self[f"{prefix}{i}_{n}"] for n in names] for i in range(self._count(count_name))]

    def presentation_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("p", "presentation", ("presenter", "organization", "points"))

    def agreement_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("a", "agreement", ("text", "responsible", "due"))

    def attendee_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("t", "attendee", ("name", "organization", "keep"))

    def parsed(self) -> tuple[ParsedMinutes, dict[int, AttendeeChoice]]:
        """The corrected structure, and what to do with each attendee (by index in its
        list). Rows whose main field was emptied are dropped."""
        data = self.cleaned_data
        presentations = [
            ParsedPresentation(
                presenter=_optional(data[f"p{i}_presenter"]),
                organization=_optional(data[f"p{i}_organization"]),
                points=_lines(data[f"p{i}_points"]),
            )
            for i in range(data["presentation_count"])
            if data[f"p{i}_presenter"].strip() or data[f"p{i}_points"].strip()
        ]
        agreements = [
            ParsedAgreement(
                text=" ".join(data[f"a{i}_text"].split()),
                responsible=_optional(data[f"a{i}_responsible"]),
                due=data[f"a{i}_due"],
            )
            for i in range(data["agreement_count"])
            if data[f"a{i}_text"].strip()
        ]
        attendees: list[ParsedAttendee] = []
        choices: dict[int, AttendeeChoice] = {}
        for i in range(data["attendee_count"]):
            name = " ".join(data[f"t{i}_name"].split())
            if not name:
                continue
            choices[len(attendees)] = self._choice(i, data[f"t{i}_keep"])
            attendees.append(
                ParsedAttendee(name=name, organization=_optional(data[f"t{i}_organization"]))
            )
        next_meeting = None
        if data["next_date"] or data["next_text"].strip():
            next_meeting = ParsedNextMeeting(
                text=" ".join(data["next_text"].split()),
                date=data["next_date"],
                time=data["next_time"],
            )
        parsed = ParsedMinutes(
            title=_optional(data["title"]),
            date=data["date"],
            place=_optional(data["place"]),
            attendees=attendees,
            agenda=_lines(data["agenda"]),
            presentations=presentations,
            interventions=_lines(data["interventions"]),
            agreements=agreements,
            next_meeting=next_meeting,
            notes=_lines(data["notes"]),
        )
        return parsed, choices

    def _choice(self, index: int, value: str) -> AttendeeChoice:
        if value in (Keep.CREATE, Keep.TEXT):
            return AttendeeChoice(Keep(value))
        people = {f"p{person.pk}": person for person in self.candidate(index).people}
        return AttendeeChoice(Keep.LINK, people[value])


def _keep_choices(found: Candidates) -> list[tuple[str, str]]:
    """Link to each person offered; add to the directory (unless the name is there
    already); keep the name as written."""
    choices = [(f"p{person.pk}", _link_label(person)) for person in found.people]
    if not found.exact:
        choices.append((Keep.CREATE, str(_("Add to the directory (pending consent)"))))
    choices.append((Keep.TEXT, str(_("Keep the name as written, without a directory record"))))
    return choices


def _link_label(person: Person) -> str:
    return str(_("Link to %(name)s in the directory")) % {"name": person.full_name}
