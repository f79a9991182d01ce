"""Forms of the minutes: the structured editor (without JavaScript), the cycle, observations.

The editor is one form for the single-valued sections plus a formset per list section
(presentations, interventions, agreements): rows in the order shown, a "remove" box on
each, and submit buttons that add a row or move one up or down without JavaScript (the
page comes back with what was typed, nothing saved). Agreements carry their stable key as
a hidden field.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.visibility import Visibility
from minka.core.widgets import CheckboxPicker
from minka.meetings.minutes.content import (
    MAX_ITEMS,
    MAX_LINE,
    MAX_TEXT,
    Agreement,
    Intervention,
    MinutesContent,
    NextMeeting,
    Presentation,
)
from minka.meetings.minutes.models import Section
from minka.meetings.minutes.services import MAX_OBSERVATION, MAX_REASON

if TYPE_CHECKING:
    from minka.documents.models import Document


def _line(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=MAX_LINE)


def _text(label: Any, rows: int = 4, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


MARKDOWN_HELP = _("You can use Markdown: **bold**, *italics*, lists with “-”, links.")


class MinutesForm(forms.Form):
    base_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    summary = _text(_("Summary"), rows=6, help_text=MARKDOWN_HELP)
    next_meeting_date = forms.DateField(
        label=_("Date of the next meeting"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    next_meeting_time = forms.TimeField(
        label=_("Time (Lima)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    next_meeting_text = _text(
        _("Next meeting, in words"),
        rows=2,
        help_text=_("For example “in a month, date to be confirmed”."),
    )
    notes = _text(_("Notes"), rows=4, help_text=MARKDOWN_HELP)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("next_meeting_date")) != bool(data.get("next_meeting_time")):
            raise forms.ValidationError(
                _("Give both the date and the time of the next meeting, or write it in words.")
            )
        return data

    def next_meeting(self) -> NextMeeting:
        day: date | None = self.cleaned_data.get("next_meeting_date")
        hour: time | None = self.cleaned_data.get("next_meeting_time")
        starts_at = ""
        if day and hour:
            moment = datetime.combine(day, hour, tzinfo=timezone.get_default_timezone())
            starts_at = moment.isoformat(timespec="minutes")
        return NextMeeting(starts_at=starts_at, text=self.cleaned_data["next_meeting_text"])


class ErratumForm(MinutesForm):
    reason = forms.CharField(
        label=_("Reason for the erratum"),
        max_length=MAX_REASON,
        help_text=_("Shown on the minutes page next to the correction."),
    )


class _ItemForm(forms.Form):
    """A row of a list section; a row left blank is ignored."""

    required_field = ""
    content_fields: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in self.content_fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_blank() and not data.get(self.required_field):
            self.add_error(self.required_field, _("This field is required."))
        return data


class PresentationForm(_ItemForm):
    title = _line(_("Title"))
    presenter = _line(_("Presenter"))
    organization = _line(_("Organization"))
    points = _text(_("Main points"), help_text=MARKDOWN_HELP)
    documents = forms.MultipleChoiceField(
        label=_("Documents"), required=False, widget=CheckboxPicker
    )
    required_field = "title"
    content_fields = ("title", "presenter", "organization", "points", "documents")

    def __init__(self, *args: Any, documents: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 (narrows the type)
        field.choices = documents
        if not documents:  # nothing to choose: no empty list on every presentation
            field.widget = forms.MultipleHiddenInput()

    def item(self) -> Presentation:
        data = self.cleaned_data
        return Presentation(
            title=data["title"],
            presenter=data["presenter"],
            organization=data["organization"],
            points=data["points"],
            documents=list(data["documents"]),
        )


class InterventionForm(_ItemForm):
    topic = _line(_("Topic"))
    speaker = _line(_("Who spoke (if known)"))
    text = _text(_("What was said"), help_text=MARKDOWN_HELP)
    required_field = "text"
    content_fields = ("topic", "speaker", "text")

    def item(self) -> Intervention:
        data = self.cleaned_data
        return Intervention(topic=data["topic"], speaker=data["speaker"], text=data["text"])


class AgreementForm(_ItemForm):
    text = _text(_("Agreement"), rows=2, help_text=MARKDOWN_HELP)
    responsible = _line(_("Responsible organizations or people"))
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    key = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    required_field = "text"
    content_fields = ("text", "responsible", "due_date")

    def item(self) -> Agreement:
        data = self.cleaned_data
        due: date | None = data["due_date"]
        agreement = Agreement(
            text=data["text"],
            responsible=data["responsible"],
            due_date=due.isoformat() if due else "",
        )
        if data["key"]:
            agreement.key = data["key"]  # checked (and replaced if bad) by the service
        return agreement


class ItemFormSet(forms.BaseFormSet[Any]):
    """A list section: rows in the order shown, a "remove" box on each saved row, and one
    blank row only when the list is empty (``extra_rows`` asks for more, or none)."""

    remove_label: Any = _("Remove this row")

    def __init__(self, *args: Any, extra_rows: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra = (0 if self.initial else 1) if extra_rows is None else extra_rows

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.remove_label

    @property
    def can_add(self) -> bool:
        return self.total_form_count() < MAX_ITEMS

    def kept_forms(self) -> list[Any]:
        """The rows to save: neither blank nor ticked for removal (after validation)."""
        return [
            form
            for form in self.forms
            if not form.is_blank() and not form.cleaned_data.get("DELETE")
        ]


def _formset(form: type[forms.Form], remove_label: Any) -> type[ItemFormSet]:
    formset = forms.formset_factory(
        form,
        formset=ItemFormSet,
        extra=0,
        can_delete=True,
        can_delete_extra=False,
        max_num=MAX_ITEMS,
        validate_max=True,
        absolute_max=MAX_ITEMS + 1,
    )
    assert issubclass(formset, ItemFormSet)  # noqa: S101 (narrows the type)
    formset.remove_label = remove_label
    return formset


PresentationFormSet = _formset(PresentationForm, _("Remove this presentation"))
InterventionFormSet = _formset(InterventionForm, _("Remove this intervention"))
AgreementFormSet = _formset(AgreementForm, _("Remove this agreement"))

SECTIONS = (
    ("presentations", _("Presentation"), PresentationFormSet),
    ("interventions", _("Intervention"), InterventionFormSet),
    ("agreements", _("Agreement"), AgreementFormSet),
)
SECTION_NAMES = tuple(name for name, _label, _class in SECTIONS)
EDITOR_ACTION = "editor-action"  # the name of the "add a row" and "move" submit buttons


def _initial(items: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        row = dict(vars(item))
        if isinstance(item, Agreement):
            row["due_date"] = item.due
        rows.append(row)
    return rows


def _typed(form: forms.Form) -> dict[str, Any]:
    """What was typed into a bound ``form``, as initial values (nothing is validated)."""
    return {name: form[name].data for name in form.fields}


def _rearrange(rows: list[dict[str, Any]], verb: str, index: int) -> list[dict[str, Any]]:
    """``rows`` with row ``index`` moved one place ``up`` or ``down`` (bad places: unchanged)."""
    other = index - 1 if verb == "up" else index + 1
    if verb in {"up", "down"} and min(index, other) >= 0 and max(index, other) < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return rows


class MinutesEditor:
    """The whole editor: the main form and one formset per list section."""

    def __init__(
        self,
        data: Any = None,
        *,
        content: MinutesContent,
        base_revision: int,
        documents: list[Document],
        form_class: type[MinutesForm] = MinutesForm,
    ) -> None:
        when = content.next_meeting.when
        if when is not None and when.tzinfo is not None:
            when = timezone.localtime(when)
        self.form_class = form_class
        self.form = form_class(
            data,
            initial={
                "base_revision": base_revision,
                "summary": content.summary,
                "notes": content.notes,
                "next_meeting_date": when.date() if when else None,
                "next_meeting_time": when.time() if when else None,
                "next_meeting_text": content.next_meeting.text,
            },
        )
        choices = [(str(d.public_id), d.title) for d in documents]
        known = {value for value, _label in choices}
        for p in content.presentations:  # keep links to documents no longer on the agenda
            choices += [(i, str(_("Linked document"))) for i in p.documents if i not in known]
            known.update(p.documents)
        self.documents = choices
        self.formsets: dict[str, ItemFormSet] = {
            name: self._formset(formset_class, data, name, _initial(getattr(content, name)))
            for name, _label, formset_class in SECTIONS
        }

    def _formset(
        self,
        formset_class: type[ItemFormSet],
        data: Any,
        name: str,
        initial: list[dict[str, Any]],
        extra_rows: int | None = None,
    ) -> ItemFormSet:
        return formset_class(
            data,
            prefix=name,
            initial=initial,
            extra_rows=extra_rows,
            form_kwargs={"documents": self.documents} if name == "presentations" else {},
        )

    def rearranged(self, action: str) -> MinutesEditor:
        """This bound editor shown again, unbound, with what was typed and the ``action`` of
        the button pressed: ``add:<section>`` (one more blank row) or
        ``up:<section>:<row>`` / ``down:<section>:<row>``. Nothing is validated or saved;
        an action that makes no sense re-displays the editor unchanged."""
        verb, _sep, rest = action.partition(":")
        section, _sep, row = rest.partition(":")
        self.form = self.form_class(initial=_typed(self.form))
        for name, _label, formset_class in SECTIONS:
            rows = [_typed(form) for form in self.formsets[name].forms]
            extra = 1 if not rows else 0
            if name == section and verb == "add" and len(rows) < MAX_ITEMS:
                extra = 1
            elif name == section and row.isdigit():
                rows = _rearrange(rows, verb, int(row))
            self.formsets[name] = self._formset(formset_class, None, name, rows, extra)
        return self

    @property
    def presentations(self) -> ItemFormSet:
        return self.formsets["presentations"]

    @property
    def interventions(self) -> ItemFormSet:
        return self.formsets["interventions"]

    @property
    def agreements(self) -> ItemFormSet:
        return self.formsets["agreements"]

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return all([valid, *(formset.is_valid() for formset in self.formsets.values())])

    @property
    def base_revision(self) -> int:
        return int(self.form.cleaned_data["base_revision"])

    def content(self) -> MinutesContent:
        """The content the editor describes (call after :meth:`is_valid`)."""
        data = self.form.cleaned_data
        lists = {
            name: [form.item() for form in formset.kept_forms()]
            for name, formset in self.formsets.items()
        }
        return MinutesContent(
            summary=data["summary"],
            presentations=lists["presentations"],
            interventions=lists["interventions"],
            agreements=lists["agreements"],
            next_meeting=self.form.next_meeting(),
            notes=data["notes"],
        )

    def add_error(self, message: str) -> None:
        self.form.add_error(None, message)

    def error_items(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary at the top of the page."""
        if not self.form.is_bound:
            return []
        items: list[tuple[str, str]] = [("", str(e)) for e in self.form.non_field_errors()]
        for bound in self.form:
            items += [(bound.id_for_label, f"{bound.label}: {e}") for e in bound.errors]
        for name, label, _formset_class in SECTIONS:
            formset = self.formsets[name]
            items += [("", str(e)) for e in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                for bound in form:
                    items += [
                        (bound.id_for_label, f"{label} {number}, {bound.label}: {e}")
                        for e in bound.errors
                    ]
        return items


class ReviewForm(forms.Form):
    deadline = forms.DateField(
        label=_("Observations until (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"deadline": timezone.localdate() + timedelta(days=7)})
        super().__init__(*args, **kwargs)

    def clean_deadline(self) -> date:
        day: date = self.cleaned_data["deadline"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return day

    def deadline_at(self) -> datetime:
        """The end of the chosen day, in Lima."""
        day: date = self.cleaned_data["deadline"]
        return datetime.combine(day, time(23, 59, 59), tzinfo=timezone.get_default_timezone())


class PublishForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may read them"),
        choices=[
            (Visibility.PUBLIC.value, _("Everyone (public)")),
            (Visibility.MEMBERS.value, _("Members of the network")),
        ],
        initial=Visibility.PUBLIC.value,
        widget=forms.RadioSelect,
    )


class ObservationForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    text = forms.CharField(
        label=_("Your observation"),
        max_length=MAX_OBSERVATION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Compare revision"), min_value=1)
    b = forms.IntegerField(label=_("with revision"), min_value=1)
