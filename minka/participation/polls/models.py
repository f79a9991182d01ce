"""Date polls for the next meeting.

A coordinator proposes several start times (:class:`DateOption`, 2 to 12) for a meeting
described by the :class:`DatePoll` (title, series, place, modality, link, duration); those
who may answer say, for each option, yes, if need be or no (:class:`DateAnswer`, one per
person and option: a database constraint). Choosing an option closes the poll and schedules
the meeting through the meetings app (``meeting``); a poll can also be cancelled. Times are
stored in UTC and shown in America/Lima, as the meetings app does.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minka.core.models import TimeStampedModel
from minka.core.visibility import Visibility, VisibilityQuerySet, visibility_field
from minka.meetings.models import Modality

__all__ = ["Answer", "DateAnswer", "DateOption", "DatePoll"]

MIN_OPTIONS = 2
MAX_OPTIONS = 12


class DatePollQuerySet(VisibilityQuerySet):
    def open(self) -> DatePollQuerySet:
        """Open polls whose closing time, if any, has not passed."""
        return self.filter(status=DatePoll.Status.OPEN).filter(
            Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now())
        )


class DatePoll(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("date poll status", "Open")
        SCHEDULED = "scheduled", _("Date chosen")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("meeting title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    series = models.ForeignKey(
        "meetings.Series",
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="date_polls",
    )
    visibility = visibility_field(default=Visibility.MEMBERS)
    modality = models.CharField(
        _("modality"), max_length=10, choices=Modality.choices, default=Modality.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    # Members only, whatever the poll's visibility (as the meeting's link).
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(720)],
    )
    # The convening organizations of the meeting: invited with the respondents.
    organizations = models.ManyToManyField(
        "directory.Organization",
        verbose_name=_("convening organizations"),
        related_name="+",
        blank=True,
    )
    closes_at = models.DateTimeField(_("answers close at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    chosen = models.ForeignKey(
        "DateOption",
        verbose_name=_("chosen date"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="date_polls",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = DatePollQuerySet.as_manager()

    class Meta:
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["visibility", "status"], name="datepoll_open")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:datepoll-detail", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        """Answers are taken: open, and not past its closing time."""
        return self.status == self.Status.OPEN and (
            self.closes_at is None or self.closes_at > timezone.now()
        )


class DateOption(models.Model):
    poll = models.ForeignKey(
        DatePoll, verbose_name=_("date poll"), on_delete=models.CASCADE, related_name="options"
    )
    starts_at = models.DateTimeField(_("starts at"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("date option")
        verbose_name_plural = _("date options")
        ordering = ["poll", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "starts_at"], name="dateoption_unique_start")
        ]

    def __str__(self) -> str:
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("If need be")
    NO = "no", _("No")


class DateAnswer(models.Model):
    option = models.ForeignKey(
        DateOption, verbose_name=_("date option"), on_delete=models.CASCADE, related_name="answers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="date_answers",
    )
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)
    updated_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("date answer")
        verbose_name_plural = _("date answers")
        ordering = ["option", "user", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="dateanswer_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.option_id}: {self.answer}"
