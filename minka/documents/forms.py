"""Forms of the repository: filters (GET), upload, new version and metadata (POST)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from minka.core.inputs import typed_input
from minka.core.widgets import CheckboxPicker
from minka.directory.forms.fields import PersonPickerField
from minka.directory.models import Organization, Person, Topic
from minka.documents import permissions
from minka.documents.models import Kind, Language, License
from minka.documents.services import DocumentData
from minka.files.filetypes import EXTENSIONS

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet

    from minka.core.types import Actor
    from minka.documents.services import CheckedFile

SORTS = {
    "recent": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "title": ("title", "pk"),
    "date": ("-issued_on", "-created_at", "-pk"),
}
SORT_CHOICES = [
    ("recent", _("Most recent")),
    ("oldest", _("Oldest")),
    ("title", _("Title (A–Z)")),
    ("date", _("Date of the document")),
]


def accept_attribute() -> str:
    """The file picker's ``accept``: every accepted extension."""
    return ",".join(sorted({ext for exts in EXTENSIONS.values() for ext in exts}))


class DocumentFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All topics"),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        required=False,
        queryset=Organization.objects.none(),
        to_field_name="slug",
        empty_label=_("All organizations"),
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *Language.choices],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        years: list[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)  # noqa: S101 (narrows the type)
        year.choices = [("", _("All years")), *((str(y), str(y)) for y in years)]
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        field.queryset = organizations.only("pk", "name", "acronym", "slug").order_by("name")

    def filters(self) -> dict[str, Any]:
        """The valid filters: a value that does not validate is dropped, not an error page."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and name != "sort"
        }

    def ordering(self) -> tuple[str, ...]:
        self.is_valid()
        return SORTS.get(self.cleaned_data.get("sort") or "recent", SORTS["recent"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>`` (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        # Empty files are refused by the upload checks, with the file's name.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


def _limits_help(*, single: bool = False) -> str:
    size = filesizeformat(settings.REPOSITORY_MAX_UPLOAD_BYTES)
    if single:
        return str(
            _(
                "One file of at most %(size)s: PDF, PPTX, PPT, DOCX, DOC, ODP, ODT, ODS, XLSX, "
                "CSV, TXT, MD, PNG or JPEG."
            )
            % {"size": size}
        )
    return str(
        _(
            "Up to %(count)s files of at most %(size)s each: PDF, PPTX, PPT, DOCX, DOC, ODP, "
            "ODT, ODS, XLSX, CSV, TXT, MD, PNG or JPEG."
        )
        % {"count": settings.REPOSITORY_MAX_FILES_PER_UPLOAD, "size": size}
    )


class _FilesMixin(forms.Form):
    """Checks every file (type from the bytes, size, archive limits) in ``clean``."""

    checked: list[CheckedFile]
    oversize: list[str]
    max_files = 1

    def _check_uploads(self, uploads: list[UploadedFile[bytes]]) -> None:
        from minka.documents.services import check_files
        from minka.files.filetypes import display_name

        self.checked = []
        problems = [
            str(
                _("%(name)s is larger than %(size)s.")
                % {
                    "name": display_name(name),
                    "size": filesizeformat(settings.REPOSITORY_MAX_UPLOAD_BYTES),
                }
            )
            for name in self.oversize
        ]
        if len(uploads) + len(self.oversize) > self.max_files:
            problems.append(
                ngettext(
                    "Send at most %(count)d file at a time.",
                    "Send at most %(count)d files at a time.",
                    self.max_files,
                )
                % {"count": self.max_files}
            )
        else:
            self.checked, errors = check_files(uploads)
            problems += errors
        if problems:
            self.checked = []
            raise forms.ValidationError(problems)


class DocumentMetadataForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.PRESENTATION)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial="es")
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Authoring organizations"),
        required=False,
        queryset=Organization.objects.order_by("name"),
        widget=CheckboxPicker,
    )
    people = PersonPickerField(
        Person.objects.none(),
        label=_("Authors"),
        required=False,
    )
    issuing_body = forms.CharField(
        label=_("Issuing body"),
        required=False,
        max_length=300,
        help_text=_("For external documents: the ministry, agency or body that issued it."),
    )
    issued_on = forms.DateField(
        label=_("Date of the document"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    license = forms.ChoiceField(label=_("License"), choices=License.choices, initial=License.CC_BY)
    visibility = forms.ChoiceField(label=_("Who can see it"))

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        from minka.directory.permissions import people_visible_to

        super().__init__(*args, **kwargs)
        visibility = self.fields["visibility"]
        assert isinstance(visibility, forms.ChoiceField)  # noqa: S101 (narrows the type)
        visibility.choices = permissions.visibility_choices(user)
        visibility.initial = "members"
        people = self.fields["people"]
        assert isinstance(people, PersonPickerField)  # noqa: S101
        people.queryset = people_visible_to(user).order_by("full_name")

    def metadata(self) -> DocumentData:
        """The metadata as the services take it (see :class:`DocumentData`)."""
        return typed_input(DocumentData, self.cleaned_data)


class UploadsMixin(_FilesMixin):
    """A form with ``uploads``, several files at once: the limits are shown, pre-checked in
    the browser (upload.js reads the data attributes) and every file is checked in ``clean``.
    ``oversize`` names the files the upload handler cut off for their size."""

    def __init__(self, *args: Any, oversize: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.oversize = oversize or []
        self.max_files = settings.REPOSITORY_MAX_FILES_PER_UPLOAD
        files = self.fields["uploads"]
        files.help_text = _limits_help()
        files.widget.attrs.update(
            {
                "accept": accept_attribute(),
                "data-max-bytes": str(settings.REPOSITORY_MAX_UPLOAD_BYTES),
                "data-max-files": str(self.max_files),
            }
        )
        if self.oversize and not self.files.getlist("uploads"):
            files.required = False  # Report the size, not "this field is required".

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        uploads = cleaned.get("uploads") or []
        if uploads or self.oversize:
            self._check_uploads(list(uploads))
        return cleaned


class UploadForm(UploadsMixin, DocumentMetadataForm):
    uploads = MultipleFileField(label=_("Files"), required=True)
    field_order = ["uploads"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _(
            "Leave it empty to use the file name. With several files, each document takes "
            "the name of its file."
        )


class VersionForm(_FilesMixin, forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=500,
        help_text=_("For example: “corrected figures on slide 4”."),
    )

    def __init__(self, *args: Any, oversize: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.oversize = oversize or []
        self.fields["file"].widget.attrs.update(
            {
                "accept": accept_attribute(),
                "data-max-bytes": str(settings.REPOSITORY_MAX_UPLOAD_BYTES),
            }
        )
        self.fields["file"].help_text = _limits_help(single=True)
        if self.oversize and not self.files.get("file"):
            self.fields["file"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload or self.oversize:
            self._check_uploads([upload] if upload else [])
        return cleaned
