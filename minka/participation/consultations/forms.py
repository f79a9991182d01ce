"""Forms of the consultations. Each write form hands its service a typed input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.inputs import typed_input
from minka.documents.models import Document
from minka.participation.consultations.models import (
    CONSULTATION_VISIBILITIES,
    CommentReport,
    ConsultationComment,
)
from minka.participation.consultations.services import ConsultationData, sections_text

if TYPE_CHECKING:
    from minka.participation.consultations.models import Consultation, ConsultationSection

WHOLE_DOCUMENT = ""


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class ConsultationForm(forms.Form):
    document = forms.ModelChoiceField(
        label=_("Document"),
        queryset=Document.objects.order_by("title", "pk"),
        help_text=_(
            "The document of the repository to consult on. A public consultation needs a "
            "public document."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is consulted and why (Markdown)."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it and comment"),
        choices=CONSULTATION_VISIBILITIES,
        initial=CONSULTATION_VISIBILITIES[0][0],
        help_text=_(
            "Public: everyone reads it and any registered account comments. Members: only "
            "the network's members read it and comment."
        ),
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())
    sections = forms.CharField(
        label=_("Sections"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, with its number: “1. Scope”, “2. Definitions”."),
    )

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict[str, Any]:
        return {
            "document": consultation.document,
            "title": consultation.title,
            "description": consultation.description,
            "visibility": consultation.visibility,
            "opens_at": timezone.localtime(consultation.opens_at),
            "closes_at": timezone.localtime(consultation.closes_at),
            "sections": sections_text(consultation),
        }

    def data_for_service(self) -> ConsultationData:
        return typed_input(ConsultationData, self.cleaned_data)


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=_("What your comment is about"), required=False)
    body = forms.CharField(
        label=_("Your comment"),
        max_length=ConsultationComment._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, sections: list[ConsultationSection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {str(section.pk): section for section in sections}
        choices: list[tuple[str, str]] = [(WHOLE_DOCUMENT, str(_("The whole document")))]
        choices += [(str(s.pk), f"{s.number}. {s.title}") for s in sections]
        self.fields["section"].choices = choices  # type: ignore[attr-defined]

    def chosen_section(self) -> ConsultationSection | None:
        return self.sections.get(self.cleaned_data.get("section") or WHOLE_DOCUMENT)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (its author will read it)"),
        max_length=ConsultationComment._meta.get_field("hidden_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this comment?"),
        max_length=CommentReport._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Response summary"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What the network takes from the comments and what it changes (Markdown). It is "
            "shown on the consultation's page and sent to everyone who commented."
        ),
    )
