"""Forms of the coordinators' management pages: organizations, people, paper consent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minka.directory.models import ConsentPurpose, Organization, Person, Topic
from minka.directory.services import ORGANIZATION_FIELDS

MAX_LOGO_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = "image/png,image/jpeg,image/gif,image/webp"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class OrganizationForm(forms.ModelForm[Organization]):
    """An organization's record. The view hands ``cleaned_data`` to the services, which
    re-encode the logo; pass a copy of the organization as ``instance`` (the form writes
    to it while validating)."""

    logo = forms.ImageField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB. It is resized to 400 × 400 pixels."),
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        error_messages={
            "invalid_image": _(
                "Upload a PNG, JPEG, GIF or WebP image. Other files, SVG included, are refused."
            )
        },
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics of interest"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    functions = forms.CharField(
        label=_("Functions of the body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One function per line, in the order of its mandate."),
    )
    body_members = forms.ModelMultipleChoiceField(
        label=_("Member organizations of the body"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organization
        # The fields the service writes, plus the topics, functions and members it sets.
        fields = [*ORGANIZATION_FIELDS, "topics", "body_members"]
        widgets = {
            "member_since": DateInput(),
            "member_until": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "mandate": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "public_email": _("The organization's own address, shown to everyone."),
            "description": _(
                "What the organization does. Do not write opinions about people, "
                "or political, religious, health or union information."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["body_members"].queryset = Organization.objects.exclude(  # type: ignore[attr-defined]
                pk=self.instance.pk
            ).order_by("name")
            self.initial.setdefault(
                "functions", "\n".join(f.text for f in self.instance.functions.all())
            )

    def clean_functions(self) -> list[str]:
        lines = (line.strip() for line in self.cleaned_data.get("functions", "").splitlines())
        return [line for line in lines if line]

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo is larger than 5 MB."))
        return logo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("member_since"), data.get("member_until")
        if since and until and until < since:
            self.add_error("member_until", _("The end date is before the start date."))
        return data


class OrganizationMergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        label=_("Organization to keep"),
        queryset=Organization.objects.all(),
        to_field_name="slug",
        empty_label=_("Choose an organization"),
    )
    duplicate = forms.ModelChoiceField(
        label=_("Duplicate to fold into it and delete"),
        queryset=Organization.objects.all(),
        to_field_name="slug",
        empty_label=_("Choose an organization"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        keep, duplicate = data.get("keep"), data.get("duplicate")
        if keep is not None and keep == duplicate:
            raise ValidationError(_("Choose two different organizations to merge."))
        return data


SOURCE_CHOICES = [
    (Person.Source.COORDINATOR, Person.Source.COORDINATOR.label),
    (Person.Source.ATTENDANCE, Person.Source.ATTENDANCE.label),
    (Person.Source.MINUTES, Person.Source.MINUTES.label),
]


class PersonCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address (optional)"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    telegram = forms.CharField(
        label=_("Telegram username (optional)"), max_length=33, required=False
    )
    organization = forms.ModelChoiceField(
        label=_("Organization (optional)"),
        queryset=Organization.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("None"),
    )
    title = forms.CharField(
        label=_("Role or title in the organization (optional)"), max_length=150, required=False
    )
    source = forms.ChoiceField(label=_("Where the data came from"), choices=SOURCE_CHOICES)
    source_detail = forms.CharField(
        label=_("Details of the source"),
        max_length=300,
        help_text=_(
            "For example: attendance list of the meeting of 12 March 2026 in Cusco. "
            "The first message to the person quotes it."
        ),
    )
    send_invitation = forms.BooleanField(
        label=_(
            "Send an invitation by email, so the person can claim the record and give "
            "their consent."
        ),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("send_invitation"):
            if not data.get("email"):
                self.add_error("email", _("An invitation needs an email address."))
            if not data.get("organization"):
                self.add_error(
                    "organization", _("An invitation is to represent an organization: choose it.")
                )
        return data


class PersonEditForm(forms.Form):
    """The fields a coordinator rectifies; consent stays the person's own choice."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    telegram = forms.CharField(label=_("Telegram username"), max_length=33, required=False)
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Do not write political, religious, health or union information."),
    )


class AffiliationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        to_field_name="slug",
        empty_label=_("Choose an organization"),
    )
    title = forms.CharField(label=_("Role or title (optional)"), max_length=150, required=False)
    start_date = forms.DateField(
        label=_("Start date (optional)"), required=False, widget=DateInput()
    )
    end_date = forms.DateField(label=_("End date (optional)"), required=False, widget=DateInput())
    is_focal_point = forms.BooleanField(
        label=_("Focal point: speaks for the organization"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


def _check_evidence(upload: Any) -> None:
    """A PDF (by its signature) or a PNG/JPEG image that Pillow opens and verifies."""
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return
    from PIL import Image

    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except Exception:  # any decoding failure means: not an image
        kind = None
    finally:
        upload.seek(0)
    if kind not in {"PNG", "JPEG"}:
        raise ValidationError(_("Attach the scan as a PDF, JPEG or PNG file."))


class PaperConsentForm(forms.Form):
    """What the person ticked on the signed paper form, and its scan.

    One unticked box per purpose (no pre-ticked consent): a purpose left unticked is
    recorded as not granted, which withdraws it if it was granted before.
    """

    evidence = forms.FileField(
        label=_("Scan of the signed form"),
        help_text=_("PDF, JPEG or PNG, at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        error_messages={"required": _("Attach the signed consent form.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for purpose in ConsentPurpose:
            self.fields[f"purpose_{purpose.value}"] = forms.BooleanField(
                label=purpose.label, required=False
            )
        self.order_fields([*(f"purpose_{p.value}" for p in ConsentPurpose), "evidence"])

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data["evidence"]
        if upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        _check_evidence(upload)
        return upload

    def choices(self) -> dict[str, bool]:
        return {
            purpose.value: bool(self.cleaned_data.get(f"purpose_{purpose.value}"))
            for purpose in ConsentPurpose
        }
