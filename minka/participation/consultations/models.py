"""Public consultations: a document of the repository opened for comments during a period.

A :class:`Consultation` opens one :class:`~minka.documents.models.Document` for comments from
``opens_at`` to ``closes_at``, to the public (comments from any registered account) or to
the members of the network. Coordinators divide it into numbered
:class:`ConsultationSection` s; a :class:`ConsultationComment` is about one section or about
the whole document (no section). Coordinators hide a comment with a reason (its author
still reads both) and may show it again; anyone who may read a comment may report it once
(:class:`CommentReport`, unique per person and comment). After the close, coordinators
publish a response (Markdown), sent to everyone who commented.

Whether a consultation is upcoming, open or closed is not stored: it follows from the two
dates and the current time.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.core.visibility import Visibility, VisibilityQuerySet
from minka.participation.comments import HideableComment

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["CommentReport", "Consultation", "ConsultationComment", "ConsultationSection"]

# A consultation is for the public or for the network's members, never coordinators only.
CONSULTATION_VISIBILITIES = [
    (Visibility.PUBLIC.value, Visibility.PUBLIC.label),
    (Visibility.MEMBERS.value, Visibility.MEMBERS.label),
]


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open for comments")
    CLOSED = "closed", _("Closed")


class ConsultationQuerySet(VisibilityQuerySet):
    def open(self, now: datetime | None = None) -> ConsultationQuerySet:
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now: datetime | None = None) -> ConsultationQuerySet:
        return self.filter(opens_at__gt=now or timezone.now())

    def closed(self, now: datetime | None = None) -> ConsultationQuerySet:
        return self.filter(closes_at__lte=now or timezone.now())


class Consultation(TimeStampedModel):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=CONSULTATION_VISIBILITIES,
        default=Visibility.PUBLIC,
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    response = models.TextField(_("response"), max_length=20000, blank=True)
    response_published_at = models.DateTimeField(_("response published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="consultation_period"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]),
                name="consultation_visibility",
            ),
        ]
        indexes = [
            models.Index(fields=["visibility", "closes_at"], name="consultation_closing"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:consultation-detail", kwargs={"public_id": self.public_id})

    def phase(self, now: datetime | None = None) -> Phase:
        now = now or timezone.now()
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        return Phase.CLOSED

    @property
    def is_open(self) -> bool:
        return self.phase() == Phase.OPEN

    @property
    def is_closed(self) -> bool:
        return self.phase() == Phase.CLOSED


class ConsultationSection(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultation_section_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ConsultationComment(HideableComment):
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    # None: about the whole document. A section with comments is never removed.
    section = models.ForeignKey(
        ConsultationSection,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["consultation", "created_at"], name="consultation_comment_time"),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.consultation.get_absolute_url()}#comentario-{self.pk}"


class CommentReport(models.Model):
    comment = models.ForeignKey(
        ConsultationComment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once"),
        ]

    def __str__(self) -> str:
        return self.reason[:60]
