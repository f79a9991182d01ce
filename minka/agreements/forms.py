"""Forms of the agreements app. Each write form hands its service a typed input
(``core.inputs.typed_input``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from minka.agreements.models import Commitment, Goal, Status
from minka.agreements.services import CommitmentData, GoalData, UpdateData
from minka.core.inputs import typed_input
from minka.core.visibility import Visibility, visibilities_for
from minka.core.widgets import CheckboxPicker
from minka.directory.forms.fields import PersonPickerField
from minka.directory.models import Organization, Person, Topic
from minka.directory.selectors import organizations_visible_to
from minka.documents.models import Document

if TYPE_CHECKING:
    from minka.core.types import Actor


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class CommitmentForm(forms.Form):
    title = forms.CharField(label=_("What was agreed"), max_length=500)
    description = forms.CharField(
        label=_("Details"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible_organizations = forms.ModelMultipleChoiceField(
        label=_("Responsible organizations and bodies"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        widget=CheckboxPicker(),
    )
    responsible_people = PersonPickerField(
        Person.objects.filter(status=Person.Status.ACTIVE).order_by("full_name"),
        label=_("Responsible people"),
        required=False,
    )
    responsible_text = forms.CharField(
        label=_("Responsible, as the minutes wrote it"), max_length=500, required=False
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=CheckboxPicker(),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    @classmethod
    def initial_for(cls, commitment: Commitment) -> dict[str, Any]:
        names = [
            name
            for name in cls.base_fields
            if name not in {"responsible_organizations", "responsible_people", "topics"}
        ]
        initial = {name: getattr(commitment, name) for name in names}
        initial["responsible_organizations"] = list(commitment.responsible_organizations.all())
        initial["responsible_people"] = list(commitment.responsible_people.all())
        initial["topics"] = list(commitment.topics.all())
        return initial

    def data_for_service(self) -> CommitmentData:
        return typed_input(CommitmentData, self.cleaned_data)


MAX_OFFERED = 200


class UpdateForm(forms.Form):
    """A progress report: what was done, where it stands, and the evidence."""

    text = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label=_("Status now"), choices=Status.choices)
    progress = forms.IntegerField(label=_("Progress now (%)"), min_value=0, max_value=100)
    documents = forms.ModelMultipleChoiceField(
        label=_("Evidence in the repository"),
        queryset=Document.objects.none(),
        required=False,
        widget=CheckboxPicker(),
        help_text=_("Documents of the repository that show the progress."),
    )
    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One web address per line (at most five)."),
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 (narrows the type)
        # Any document the author may see is accepted; the list offers the newest ones.
        field.queryset = Document.objects.visible_to(user).order_by("-created_at", "-pk")
        field.widget.choices = list(field.queryset.values_list("pk", "title")[:MAX_OFFERED])

    def data_for_service(self) -> UpdateData:
        data = dict(self.cleaned_data)
        data["links"] = [
            line.strip() for line in data.get("links", "").splitlines() if line.strip()
        ]
        return typed_input(UpdateData, data)


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Review"),
        choices=[("validated", _("Validate")), ("questioned", _("Question"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class FollowUpForm(forms.Form):
    """One row of the meeting's follow-up: a commitment's status and progress, and a note."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.ModelChoiceField(
        label=_("Part of (a result of another goal)"),
        queryset=Goal.objects.order_by("title"),
        required=False,
        empty_label=_("None: a goal of its own"),
    )
    weight = forms.IntegerField(
        label=_("Weight in that goal"), min_value=1, max_value=100, initial=1
    )
    indicator = forms.CharField(label=_("Indicator"), max_length=300, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=12, decimal_places=2, initial=0)
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2, required=False)
    period_start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    mode = forms.ChoiceField(label=_("Progress"), choices=Goal.Mode.choices)
    reported_progress = forms.IntegerField(
        label=_("Reported progress (%)"), min_value=0, max_value=100, required=False
    )
    responsible_organizations = forms.ModelMultipleChoiceField(
        label=_("Responsible organizations and bodies"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        widget=CheckboxPicker(),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    @classmethod
    def initial_for(cls, goal: Goal) -> dict[str, Any]:
        initial = {
            name: getattr(goal, name)
            for name in cls.base_fields
            if name != "responsible_organizations"
        }
        initial["responsible_organizations"] = list(goal.responsible_organizations.all())
        return initial

    def data_for_service(self) -> GoalData:
        return typed_input(GoalData, self.cleaned_data)


class GoalCommitmentsForm(forms.Form):
    """The commitments counted in a goal, with their weights: "<public id> <weight>" lines
    are awkward; instead one weight field per commitment the goal may count (0: not counted)."""

    def __init__(
        self, *args: Any, commitments: list[Commitment], weights: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.commitments = commitments
        for commitment in commitments:
            self.fields[f"w{commitment.pk}"] = forms.IntegerField(
                label=commitment.title[:120],
                min_value=0,
                max_value=100,
                required=False,
                initial=weights.get(commitment.pk, 0),
            )

    def weights(self) -> dict[Commitment, int]:
        chosen = {}
        for commitment in self.commitments:
            weight = self.cleaned_data.get(f"w{commitment.pk}") or 0
            if weight:
                chosen[commitment] = weight
        return chosen


class FilterForm(forms.Form):
    """The dashboard's filters (sent by GET; an unknown value is dropped, never an error)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *list(Status.choices)], required=False
    )
    topic = forms.CharField(label=_("Topic"), required=False, max_length=80)
    organization = forms.CharField(label=_("Responsible"), required=False, max_length=80)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topic_choices = list(Topic.objects.order_by("name").values_list("slug", "name"))
        # The organizations the viewer may see that hold a commitment the viewer may see.
        holds = Commitment.responsible_organizations.through.objects.filter(
            organization_id=OuterRef("pk"), commitment__visibility__in=visibilities_for(user)
        )
        self.organization_choices = list(
            organizations_visible_to(user)
            .filter(Exists(holds))
            .order_by("name")
            .values_list("slug", "name")
        )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        chosen = {
            name: str(self.cleaned_data.get(name) or "").strip()
            for name in ("status", "topic", "organization")
        }
        if self.cleaned_data.get("overdue"):
            chosen["overdue"] = "1"
        return {name: value for name, value in chosen.items() if value}
