"""The attendance sheet: one tick-list of the people a coordinator may mark present, and a
few blank rows for walk-ins (with "one more row" that works without JavaScript).

A walk-in whose name is close to someone already in the directory is not added blindly:
the row comes back asking "Did you mean José Pérez (Org)?", with the existing people and
"No, add a new person" to choose from (:func:`minka.directory.matching.person_suggestions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minka.directory.matching import person_suggestions
from minka.directory.models import Affiliation, Organization, Person
from minka.meetings.services.attendance import WalkIn

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import QueryDict

    from minka.meetings.attendance_sheet import SheetRow

WALK_IN_PREFIX = "walkin"
BLANK_ROWS = 3
MAX_WALK_INS = 40
NEW_PERSON = "new"


class _Ids(forms.Field):
    """Person ids sent back as hidden inputs: the people the sheet showed."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> set[int]:
        try:
            return {int(item) for item in value or []}
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(_("Reload the page and try again.")) from error


class AttendanceSheetForm(forms.Form):
    """The ticked people (``attended``) among the sheet's rows, and which rows the sheet
    showed (``listed``): only those may lose their attendance."""

    attended = forms.TypedMultipleChoiceField(
        label=_("Present"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    listed = _Ids(required=False)

    def __init__(self, *args: Any, rows: list[SheetRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        field: Any = self.fields["attended"]
        field.choices = [(row.person_id, row.name) for row in rows]

    def entries(self) -> list[tuple[SheetRow, bool]]:
        """Each row with whether its box is ticked: as sent, or as recorded."""
        if self.is_bound:
            data: Any = self.data  # a QueryDict
            raw: list[Any] = data.getlist(self.add_prefix("attended"))
        else:
            raw = list(self.initial.get("attended", []))
        ticked = {str(value) for value in raw}
        return [(row, str(row.person_id) in ticked) for row in self.rows]


def _suggestion_label(person: Person) -> str:
    roles = getattr(person, "current_roles", [])
    names = ", ".join(dict.fromkeys(role.organization.name for role in roles))
    if not names:
        return person.full_name
    return gettext("%(name)s (%(organization)s)") % {
        "name": person.full_name,
        "organization": names,
    }


def _candidates() -> Any:
    current = Affiliation.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    ).select_related("organization")
    return Person.objects.exclude(status=Person.Status.ANONYMIZED).prefetch_related(
        Prefetch("affiliations", queryset=current, to_attr="current_roles")
    )


class WalkInRowForm(forms.Form):
    """One walk-in. Every field is optional: a row without a name is skipped."""

    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization (optional)"),
        required=False,
        queryset=Organization.objects.order_by("name"),
    )
    email = forms.EmailField(label=_("Email (optional)"), max_length=254, required=False)
    consent = forms.BooleanField(
        label=_("Agrees to appear in the attendees list shared with the members (optional)"),
        required=False,
    )
    # Filled once a close name was found: an existing person's id, or "new".
    match = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    suggestions: list[Person]
    person: Person | None

    def __init__(
        self,
        *args: Any,
        organizations: Callable[[], list[tuple[Any, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions, self.person = [], None
        if organizations is not None:  # the same choices for every row: one query
            field: Any = self.fields["organization"]
            field.choices = organizations

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = " ".join(str(data.get("full_name") or "").split())
        if not name:
            if data.get("email") or data.get("organization") or data.get("consent"):
                self.add_error("full_name", _("Write the person's name."))
            return data
        if data.get("email") and Person.objects.filter(email__iexact=data["email"]).exists():
            return data  # the person with that email is used
        choice = data.get("match") or ""
        if choice == NEW_PERSON:
            return data
        self.suggestions = person_suggestions(name, people=_candidates())
        chosen = [p for p in self.suggestions if str(p.pk) == choice]
        if chosen:
            self.person = chosen[0]
        elif self.suggestions:
            self._ask(choice)
        return data

    def _ask(self, choice: str) -> None:
        """Turn ``match`` into the question: the close people, or a new person."""
        choices = [(str(p.pk), _suggestion_label(p)) for p in self.suggestions]
        choices.append((NEW_PERSON, gettext("No, add a new person")))
        field = self.fields["match"]
        field.widget = forms.RadioSelect(choices=choices)
        field.label = gettext("Is this someone already in the directory?")
        if choice:
            message = gettext("Choose one of the people suggested or a new person.")
        elif len(self.suggestions) == 1:
            message = gettext("Did you mean %(name)s?") % {"name": choices[0][1]}
        else:
            message = gettext("Did you mean one of these people: %(names)s?") % {
                "names": "; ".join(label for _pk, label in choices[:-1])
            }
        self.add_error("match", message)

    def walk_in(self) -> WalkIn | None:
        """The row as the service takes it; ``None`` for a blank row. Valid forms only."""
        data = self.cleaned_data
        name = " ".join(str(data.get("full_name") or "").split())
        if not name:
            return None
        return WalkIn(
            full_name=name,
            organization=data.get("organization"),
            email=data.get("email") or "",
            person=self.person,
            consent=bool(data.get("consent")),
        )


_FormSet = forms.formset_factory(
    WalkInRowForm,
    extra=BLANK_ROWS,
    max_num=MAX_WALK_INS,
    absolute_max=MAX_WALK_INS,
    validate_max=True,
)
_MoreFormSet = forms.formset_factory(
    WalkInRowForm, extra=1, max_num=MAX_WALK_INS, absolute_max=MAX_WALK_INS
)


def walk_in_formset(data: QueryDict | None = None, *, more: bool = False) -> Any:
    """The walk-ins' rows: blank ones, the rows sent (``data``), or with ``more`` the rows
    sent, unchecked, plus one blank row. A POST without the rows (no walk-ins) counts as
    blank rows, so that ticking alone needs no hidden fields."""
    organizations: list[tuple[Any, str]] = []

    def choices() -> list[tuple[Any, str]]:  # loaded once, when a row is shown or checked
        if not organizations:
            organizations.append(("", "---------"))
            organizations.extend((o.pk, str(o)) for o in Organization.objects.order_by("name"))
        return organizations

    kwargs: dict[str, Any] = {
        "prefix": WALK_IN_PREFIX,
        "form_kwargs": {"organizations": choices},
    }
    if data is None or f"{WALK_IN_PREFIX}-TOTAL_FORMS" not in data:
        return _FormSet(**kwargs)
    sent = _FormSet(data, **kwargs)
    if not more:
        return sent
    initial = [{name: form[name].value() for name in form.fields} for form in sent.forms]
    return _MoreFormSet(initial=initial, **kwargs)


def walk_ins(formset: Any) -> list[WalkIn] | None:
    """The filled rows, in order: none for blank rows that were not sent (a POST of
    ticks only), ``None`` when a row is invalid."""
    if not formset.is_bound:
        return []
    if not formset.is_valid():
        return None
    return [walk_in for form in formset.forms if (walk_in := form.walk_in()) is not None]
