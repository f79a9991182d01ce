"""Commitments, their progress updates, and the goals they serve.

A :class:`Commitment` is what someone agreed to do: born from an agreement in a meeting's
approved minutes (``minutes`` + ``agreement_key``, unique together, so that converting the
same minutes again never duplicates it) or created directly by a coordinator. It has
responsible organizations (members of the network, and outside bodies such as the CODESI, a
ministry or a regulator, recorded in the directory) and people, a due date, a status, a
progress from 0 to 100, topics and the usual visibility. "Overdue" is not stored: it is an
open commitment whose due date has passed in the site's time zone (America/Lima).

A :class:`CommitmentUpdate` is a report of progress posted by a member of a responsible
organization or a coordinator: text, the new progress and status, evidence (documents of the
repository, links); a coordinator may validate or question it.

A :class:`Goal` is a measurable target for a period ("metas y resultados en un determinado
plazo"): indicator, baseline, target, unit, deadline. Its progress is reported directly or
computed from its commitments and sub-goals (results), weighted. Goals nest.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.core.visibility import Visibility, VisibilityQuerySet, visibility_field

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.PENDING, Status.IN_PROGRESS)


class CommitmentQuerySet(VisibilityQuerySet):
    def open(self) -> CommitmentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self) -> CommitmentQuerySet:
        """Open commitments whose due date has passed (today in the site's time zone)."""
        return self.open().filter(due_date__lt=timezone.localdate())

    def due_within(self, days: int) -> CommitmentQuerySet:
        """Open commitments due from today to ``days`` days from now."""
        today = timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))


class Commitment(TimeStampedModel):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("what"), max_length=500)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    # Where it came from: an agreement of a meeting's minutes (both set), or nowhere
    # (created directly by a coordinator).
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
    )
    minutes = models.ForeignKey(
        "meetings.Minutes",
        verbose_name=_("minutes"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
    )
    agreement_key = models.CharField(_("agreement"), max_length=32, blank=True)
    responsible_organizations = models.ManyToManyField(
        "directory.Organization",
        verbose_name=_("responsible organizations"),
        blank=True,
        related_name="commitments",
    )
    responsible_people = models.ManyToManyField(
        "directory.Person",
        verbose_name=_("responsible people"),
        blank=True,
        related_name="commitments",
    )
    # "Responsable" as the minutes wrote it, kept while it matches nobody in the directory.
    responsible_text = models.CharField(_("responsible (as written)"), max_length=500, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT)
    topics = models.ManyToManyField(
        "directory.Topic", verbose_name=_("topics"), blank=True, related_name="commitments"
    )
    visibility = visibility_field(default=Visibility.PUBLIC)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "agreement_key"],
                condition=~Q(agreement_key=""),
                name="commitment_unique_agreement",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="commitment_progress"),
        ]
        indexes = [
            # The dashboard's counts read only this index (the row id is in it).
            models.Index(fields=["visibility", "status", "due_date"], name="commitment_open_due"),
            # Lists ordered by deadline.
            models.Index(fields=["due_date"], name="commitment_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:commitment-detail", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


class CommitmentUpdate(models.Model):
    class Review(models.TextChoices):
        NONE = "", _("Not reviewed")
        VALIDATED = "validated", _("Validated")
        QUESTIONED = "questioned", _("Questioned")

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("what was done"), max_length=4000)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=PERCENT
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, blank=True)
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("evidence documents"), blank=True, related_name="+"
    )
    links = models.JSONField(_("evidence links"), default=list, blank=True)
    review = models.CharField(
        _("review"), max_length=12, choices=Review.choices, default=Review.NONE, blank=True
    )
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.commitment} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return f"{self.commitment.get_absolute_url()}#avance-{self.pk}"


class GoalQuerySet(VisibilityQuerySet):
    pass


class Goal(TimeStampedModel):
    class Mode(models.TextChoices):
        COMPUTED = "computed", _("Computed from its commitments and results")
        REPORTED = "reported", _("Reported directly")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("goal"), max_length=300)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="results",
    )
    # The weight of this goal in its parent's progress.
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1)]
    )
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=0)
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    period_start = models.DateField(_("from"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    mode = models.CharField(
        _("progress"), max_length=10, choices=Mode.choices, default=Mode.COMPUTED
    )
    reported_progress = models.PositiveSmallIntegerField(
        _("reported progress (%)"), null=True, blank=True, validators=PERCENT
    )
    responsible_organizations = models.ManyToManyField(
        "directory.Organization",
        verbose_name=_("responsible organizations"),
        blank=True,
        related_name="goals",
    )
    commitments = models.ManyToManyField(
        Commitment,
        verbose_name=_("commitments"),
        through="GoalCommitment",
        blank=True,
        related_name="goals",
    )
    visibility = visibility_field(default=Visibility.PUBLIC)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["deadline", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_progress__isnull=True) | Q(reported_progress__lte=100),
                name="goal_reported_progress",
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="goal_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:goal-detail", kwargs={"public_id": self.public_id})


class GoalCommitment(models.Model):
    """A commitment counted in a goal's progress, with its weight there."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE)
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("commitment of a goal")
        verbose_name_plural = _("commitments of goals")
        constraints = [
            models.UniqueConstraint(fields=["goal", "commitment"], name="goal_commitment_unique"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="goal_commitment_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.goal} ← {self.commitment} (×{self.weight})"
