"""Meetings and their minutes.

A :class:`Series` groups the meetings of one space (the network's monthly meeting) and says
how often it meets. A :class:`Meeting` has an ordered agenda whose items link documents of
the repository, invitees who answer an RSVP, and attendances. Times are stored in UTC and
shown in America/Lima.

The minutes' models are defined in :mod:`minka.meetings.minutes.models` and imported here,
so that Django finds them in this app (label ``meetings``) and existing imports keep working.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.core.visibility import Visibility, VisibilityQuerySet, visibility_field
from minka.meetings.minutes.models import Minutes as Minutes
from minka.meetings.minutes.models import MinutesQuerySet as MinutesQuerySet
from minka.meetings.minutes.models import MinutesRevision as MinutesRevision
from minka.meetings.minutes.models import Observation as Observation
from minka.meetings.minutes.models import Section as Section


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    WEEKS = "weeks", _("Every few weeks")
    NONE = "none", _("No fixed cadence")


class Series(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    interval_weeks = models.PositiveSmallIntegerField(
        _("every how many weeks"),
        default=4,
        help_text=_("Used when the cadence is every few weeks."),
    )
    visibility = visibility_field(default=Visibility.PUBLIC)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = VisibilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1) & Q(interval_weeks__lte=52),
                name="series_interval_weeks_range",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")


class MeetingQuerySet(VisibilityQuerySet):
    def upcoming(self) -> MeetingQuerySet:
        return (
            self.filter(ends_at__gte=timezone.now())
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at", "pk")
        )

    def past(self) -> MeetingQuerySet:
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    modality = models.CharField(
        _("modality"), max_length=10, choices=Modality.choices, default=Modality.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    # Members only, whatever the meeting's visibility.
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    visibility = visibility_field(default=Visibility.PUBLIC)
    organizations = models.ManyToManyField(
        "directory.Organization",
        verbose_name=_("convening organizations"),
        related_name="convened_meetings",
        blank=True,
    )
    # The meeting whose "schedule the next meeting" created this one.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="following",
    )
    # Whether signed-in people who are not members (registered accounts) may answer
    # "¿Asistirá?" on a public meeting's page; members always may.
    allow_public_rsvp = models.BooleanField(
        _("anyone with an account may answer whether they will attend"), default=False
    )
    # Self check-in: the code shown in the room (empty until a coordinator opens it).
    checkin_code = models.CharField(_("check-in code"), max_length=12, blank=True)
    # RFC 5545 SEQUENCE: raised at every change sent to invitees' calendars.
    ical_sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["series", "number"], name="meeting_unique_number_in_series"
            ),
        ]
        indexes = [models.Index(fields=["visibility", "starts_at"], name="meeting_when")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting-detail", kwargs={"public_id": self.public_id})

    @property
    def is_over(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Agenda item")
        FOLLOW_UP = "follow_up", _("Follow-up of agreements")
        PROPOSAL = "proposal", _("Accepted proposal")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    presenter = models.ForeignKey(
        "directory.Person",
        verbose_name=_("presenter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    presenter_text = models.CharField(
        _("presenter (guest)"),
        max_length=200,
        blank=True,
        help_text=_("The name of a presenter who is not in the directory, as written."),
    )
    presenter_organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("presenter's organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("planned duration (minutes)"), null=True, blank=True
    )
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), related_name="agenda_items", blank=True
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=1440),
                name="agenda_item_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    MAYBE = "maybe", _("Maybe")


class Invitee(models.Model):
    """A person invited to a meeting, directly or as part of an invited organization."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitees"
    )
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    # The organization through which the person was invited, if any.
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("invited organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rsvp = models.CharField(_("answer"), max_length=10, choices=Rsvp.choices, default=Rsvp.PENDING)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["meeting", "person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="invitee_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.meeting}"


class Attendance(models.Model):
    class Source(models.TextChoices):
        RECORDED = "recorded", _("Recorded by a coordinator")
        WALK_IN = "walk_in", _("Came without an invitation")
        CHECK_IN = "check_in", _("Checked in with the meeting code")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    # Empty for an attendee known only by the name written in imported minutes, whom the
    # coordinator chose not to link to (or add to) the directory: ``name_text`` holds it.
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="attendances",
        null=True,
        blank=True,
    )
    name_text = models.CharField(_("name as written"), max_length=150, blank=True)
    organization_text = models.CharField(_("organization as written"), max_length=200, blank=True)
    # The organization the person attended for (their affiliation at the time).
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique_person"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name_text=""),
                name="attendance_person_or_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} @ {self.meeting}"

    @property
    def display_name(self) -> str:
        """The directory name, or the name as written in the minutes."""
        return self.person.full_name if self.person is not None else self.name_text

    @property
    def display_organization(self) -> str:
        """The organization recorded, or the one written beside the name."""
        return self.organization.name if self.organization is not None else self.organization_text


class CalendarFeed(models.Model):
    """A personal iCalendar feed: the token is shown once and stored only as its SHA-256."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
