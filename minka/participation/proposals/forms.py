"""Forms of agenda proposals. Each write form hands its service a typed input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minka.core.inputs import typed_input
from minka.core.visibility import Visibility
from minka.core.widgets import CheckboxPicker
from minka.directory.models import Organization
from minka.directory.selectors import organizations_visible_to
from minka.meetings.models import Meeting
from minka.participation.proposals import selectors
from minka.participation.proposals.services import ProposalData

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.participation.proposals.models import Proposal

VISIBILITY_CHOICES = [
    (Visibility.MEMBERS, _("Members of the network (internal)")),
    (Visibility.PUBLIC, _("Everyone (external)")),
]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why the network should discuss it, and what you expect. Markdown works."),
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Proposing organizations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=CheckboxPicker(),
        help_text=_("Your own organizations if you choose none."),
    )
    meeting = forms.ModelChoiceField(
        label=_("For the meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("The next meeting"),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=VISIBILITY_CHOICES, initial=Visibility.MEMBERS
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = self.fields["organizations"]
        assert isinstance(organizations, forms.ModelMultipleChoiceField)  # noqa: S101
        organizations.queryset = organizations_visible_to(user).order_by("name")
        organizations.widget.choices = list(organizations.queryset.values_list("pk", "name"))
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)  # noqa: S101
        meeting.queryset = selectors.meetings_for_proposals(user)

    @classmethod
    def initial_for(cls, proposal: Proposal) -> dict[str, Any]:
        return {
            "title": proposal.title,
            "description": proposal.description,
            "organizations": list(proposal.organizations.all()),
            "meeting": proposal.meeting,
            "visibility": proposal.visibility,
        }

    def data_for_service(self) -> ProposalData:
        return typed_input(ProposalData, self.cleaned_data)


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", pgettext_lazy("proposals shown", "Open")),
            ("accepted", pgettext_lazy("proposals shown", "Accepted")),
            ("declined", pgettext_lazy("proposals shown", "Declined")),
            ("all", _("All")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("supports", _("Most supported")), ("newest", _("Newest"))],
    )

    def filters(self) -> dict[str, str]:
        """The valid filters (an unknown value is ignored: the default applies)."""
        if not self.is_valid():
            return {
                name: self.data.get(name, "")
                for name in self.fields
                if name not in self.errors and self.data.get(name)
            }
        return {name: value for name, value in self.cleaned_data.items() if value}


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Put it on a meeting's agenda")), ("decline", _("Decline it"))],
        widget=forms.RadioSelect,
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Planned meetings still to come."),
    )
    reason = forms.CharField(
        label=_("Reason or note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to decline: the proposer and the supporters read it."),
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)  # noqa: S101
        meeting.queryset = selectors.meetings_for_proposals(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "accept" and not data.get("meeting"):
            self.add_error("meeting", _("Choose the meeting whose agenda receives it."))
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the proposal is declined."))
        return data
