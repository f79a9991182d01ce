"""The minutes of a meeting and their revisions and observations.

The :class:`Minutes` of a meeting are versioned the way indico keeps notes: every save that
changes the content adds a :class:`MinutesRevision` (the content as structured JSON, see
:mod:`minka.meetings.minutes.content`) and moves the ``current_revision`` pointer. The
minutes go through draft → review → approved → published; approved content is locked and
a later correction is an erratum revision with its reason.

The models belong to the ``meetings`` app (their tables are ``meetings_*``):
:mod:`minka.meetings.models` imports them, and Django gives a model the label of the app
whose package contains its module.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.core.visibility import Visibility, visibility_field


class MinutesQuerySet(models.QuerySet["Minutes"]):
    def published(self) -> MinutesQuerySet:
        return self.filter(status=Minutes.Status.PUBLISHED)


class Minutes(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    meeting = models.OneToOneField(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # While in review: observations are accepted until this moment.
    review_deadline = models.DateTimeField(_("observations until"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Who may read the published minutes (public or members); before publication only
    # coordinators (draft) or members (review, approved) read them.
    visibility = visibility_field(default=Visibility.PUBLIC)
    # Revisions from this number on were shared beyond coordinators (set when the minutes
    # are first opened for review); earlier ones are drafts that only coordinators read.
    shared_from = models.PositiveIntegerField(_("shared from revision"), null=True, blank=True)
    current_revision = models.ForeignKey(
        "MinutesRevision",
        verbose_name=_("current revision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["-meeting__starts_at", "-pk"]

    def __str__(self) -> str:
        return str(self.meeting)

    def get_absolute_url(self) -> str:
        return reverse("meetings:minutes-detail", kwargs={"public_id": self.meeting.public_id})

    @property
    def is_locked(self) -> bool:
        """Approved and published content changes only through an erratum."""
        return self.status in (self.Status.APPROVED, self.Status.PUBLISHED)


class MinutesRevision(models.Model):
    class Kind(models.TextChoices):
        EDIT = "edit", _("Edit")
        ERRATUM = "erratum", _("Erratum")
        IMPORT = "import", _("Imported")

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EDIT)
    # The structured content (minka.meetings.minutes.content.MinutesContent.to_json()).
    content = models.JSONField(_("content"))
    # Why an erratum was needed (required for errata).
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("minutes revision")
        verbose_name_plural = _("minutes revisions")
        ordering = ["minutes", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"], name="minutes_revision_unique_number"
            ),
            models.CheckConstraint(
                condition=~Q(kind="erratum") | ~Q(reason=""), name="erratum_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} (r{self.number})"


class Section(models.TextChoices):
    """The sections of structured minutes, as observations name them."""

    SUMMARY = "summary", _("Summary")
    PRESENTATIONS = "presentations", _("Presentations")
    INTERVENTIONS = "interventions", _("Interventions")
    AGREEMENTS = "agreements", _("Agreements")
    NEXT_MEETING = "next_meeting", _("Next meeting")
    NOTES = "notes", _("Notes")


class Observation(models.Model):
    """A remark on the minutes while they are in review, seen by coordinators and reviewers."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="observations"
    )
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    text = models.TextField(_("observation"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The revision the observation was written against.
    revision_number = models.PositiveIntegerField(_("revision"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["minutes", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.text[:40]}"

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "text": self.text, "revision": self.revision_number}
