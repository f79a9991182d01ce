"""The directory: organizations, people, their affiliations, consent and data-rights requests.

A directory of people is personal data under Peru's Ley 29733. Every contact datum says who
may see it (members, or nobody but the person and coordinators); whether a person's name and
role appear in the public directory is a consent of its own; each consent change is an event
with the notice version it was given under; people added by others start *pending* and stay
hidden until they agree. Cancellation anonymizes a person while keeping historical records
(attendance, authorship) consistent.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.core.text import fold


class Sector(models.TextChoices):
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    PRIVATE = "private_sector", _("Private sector")
    TECHNICAL = "technical_community", _("Technical community")
    GOVERNMENT = "government", _("Government")
    COOPERATION = "international_cooperation", _("International cooperation")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    """Peru's 24 departments and Callao, plus national and international scope."""

    NATIONAL = "nacional", _("National")
    INTERNATIONAL = "internacional", _("International")
    AMAZONAS = "amazonas", "Amazonas"
    ANCASH = "ancash", "Áncash"
    APURIMAC = "apurimac", "Apurímac"
    AREQUIPA = "arequipa", "Arequipa"
    AYACUCHO = "ayacucho", "Ayacucho"
    CAJAMARCA = "cajamarca", "Cajamarca"
    CALLAO = "callao", "Callao"
    CUSCO = "cusco", "Cusco"
    HUANCAVELICA = "huancavelica", "Huancavelica"
    HUANUCO = "huanuco", "Huánuco"
    ICA = "ica", "Ica"
    JUNIN = "junin", "Junín"
    LA_LIBERTAD = "la_libertad", "La Libertad"
    LAMBAYEQUE = "lambayeque", "Lambayeque"
    LIMA = "lima", "Lima"
    LORETO = "loreto", "Loreto"
    MADRE_DE_DIOS = "madre_de_dios", "Madre de Dios"
    MOQUEGUA = "moquegua", "Moquegua"
    PASCO = "pasco", "Pasco"
    PIURA = "piura", "Piura"
    PUNO = "puno", "Puno"
    SAN_MARTIN = "san_martin", "San Martín"
    TACNA = "tacna", "Tacna"
    TUMBES = "tumbes", "Tumbes"
    UCAYALI = "ucayali", "Ucayali"


class Topic(models.Model):
    """A managed list of topics (shared with documents, meetings and commitments)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def members(self) -> OrganizationQuerySet:
        """Current member organizations: what the public directory lists."""
        return self.filter(membership_status=Organization.MembershipStatus.MEMBER)


class Organization(TimeStampedModel):
    class MembershipStatus(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        MEMBER = "member", _("Member")
        FORMER = "former", _("Former member")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    # Public identifier in URLs: a slug, never the sequential primary key.
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    sector = models.CharField(
        _("sector"), max_length=30, choices=Sector.choices, default=Sector.CIVIL_SOCIETY
    )
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, default=Region.NATIONAL
    )
    description = models.TextField(_("description"), max_length=2000, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    # The organization's own public contact: people's addresses are never public.
    public_email = models.EmailField(_("public contact email"), max_length=254, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics of interest"), blank=True, related_name="organizations"
    )
    membership_status = models.CharField(
        _("membership status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.MEMBER,
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    member_until = models.DateField(_("member until"), null=True, blank=True)
    # Name and acronym without case or accents, kept by save(), for the name search.
    search_key = models.CharField(max_length=240, blank=True, editable=False, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = fold(f"{self.name} {self.acronym}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:organization-detail", args=[self.slug])


class ConsentPurpose(models.TextChoices):
    """The separate purposes a person agrees to (SECURITY.md R3)."""

    PUBLIC_LISTING = "public_listing", _("My name and role in the public directory")
    MEMBERS_LISTING = "members_listing", _("My name and role in the members' directory")
    EMAIL = "email_members", _("My email address visible to members")
    PHONE = "phone_members", _("My phone number visible to members")
    TELEGRAM = "telegram_members", _("My Telegram username visible to members")
    PHOTO = "photo", _("My photo in the directory")
    EMAIL_NOTIFICATIONS = "email_notifications", _("Email notifications")
    TELEGRAM_NOTIFICATIONS = "telegram_notifications", _("Telegram notifications")


class PersonQuerySet(models.QuerySet["Person"]):
    def publicly_listed(self) -> PersonQuerySet:
        return self.filter(status=Person.Status.ACTIVE, public_listing=True)

    def listed_for_members(self) -> PersonQuerySet:
        return self.filter(status=Person.Status.ACTIVE, members_listing=True)


class Person(TimeStampedModel):
    """Someone the network knows: a member's representative, or someone who attended.

    A person may exist without an account; such a person was added by someone else and
    starts *pending*: hidden from every directory until they consent. The boolean consent
    fields mirror the latest :class:`ConsentEvent` of each purpose (the events are the
    record; the fields make queries cheap) and change only through
    :func:`minka.directory.services.person_set_consents`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending consent")
        ACTIVE = "active", _("Active")
        ANONYMIZED = "anonymized", _("Anonymized")

    class Source(models.TextChoices):
        SELF = "self", _("Registered by the person")
        COORDINATOR = "coordinator", _("Added by the coordination team")
        ATTENDANCE = "attendance", _("Attendance list of a meeting")
        MINUTES = "minutes", _("Minutes of a meeting")

    # Names of the fields that hold personal data: exported, erased, searched for leaks.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = (
        "full_name",
        "email",
        "phone",
        "telegram",
        "bio",
        "photo",
    )
    CONTACT_PURPOSES: ClassVar[dict[str, str]] = {
        "email": ConsentPurpose.EMAIL,
        "phone": ConsentPurpose.PHONE,
        "telegram": ConsentPurpose.TELEGRAM,
    }

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    telegram = models.CharField(_("Telegram username"), max_length=33, blank=True)
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.COORDINATOR
    )
    source_detail = models.CharField(_("where the data came from"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Current consent, mirrored from the latest ConsentEvent of each purpose.
    public_listing = models.BooleanField(_("in the public directory"), default=False)
    members_listing = models.BooleanField(_("in the members' directory"), default=False)
    email_members = models.BooleanField(_("email visible to members"), default=False)
    phone_members = models.BooleanField(_("phone visible to members"), default=False)
    telegram_members = models.BooleanField(_("Telegram visible to members"), default=False)
    photo_consent = models.BooleanField(_("photo shown"), default=False)
    email_notifications = models.BooleanField(_("email notifications"), default=False)
    telegram_notifications = models.BooleanField(_("Telegram notifications"), default=False)
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True)
    # The name without case or accents, kept by save(), for the name search.
    search_key = models.CharField(max_length=150, blank=True, editable=False, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PersonQuerySet.as_manager()

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = fold(self.full_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:person-detail", args=[self.public_id])

    @staticmethod
    def consent_field(purpose: str) -> str:
        """The boolean field that mirrors ``purpose``."""
        return "photo_consent" if purpose == ConsentPurpose.PHOTO else purpose

    def has_consent(self, purpose: str) -> bool:
        return bool(getattr(self, self.consent_field(purpose)))


class Affiliation(TimeStampedModel):
    """A person's role in an organization, with dates; focal points speak for it."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="affiliations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    title = models.CharField(_("role or title"), max_length=150, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_focal_point = models.BooleanField(_("focal point"), default=False)

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["organization__name", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"],
                condition=models.Q(end_date__isnull=True),
                name="affiliation_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.organization}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class ConsentEvent(models.Model):
    """One grant or withdrawal of consent for one purpose: the record Ley 29733 asks for.

    Events are never edited; the latest event of a purpose is the person's current choice.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        INVITATION = "invitation", _("Invitation")
        PAPER = "paper", _("Paper form recorded by a coordinator")
        EMAIL = "email", _("Email")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consent_events"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    notice_version = models.CharField(_("notice version"), max_length=20)
    notice_hash = models.CharField(_("notice hash"), max_length=64)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence = models.FileField(_("evidence (signed paper form)"), upload_to="consent/", blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose}: {'+' if self.granted else '-'}"


class DataRequest(TimeStampedModel):
    """An ARCO request (access, rectification, cancellation, opposition) and its handling."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access")
        RECTIFICATION = "rectification", _("Rectification")
        CANCELLATION = "cancellation", _("Cancellation")
        OPPOSITION = "opposition", _("Opposition")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="data_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_date = models.DateField(_("due date"))
    identity_verified = models.BooleanField(_("identity verified"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The address the answer to a cancellation goes to: the person's own is erased as the
    # request closes, so it is kept here only until that last email is sent.
    reply_to = models.EmailField(_("answer sent to"), blank=True)

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["due_date", "received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.RECEIVED, self.Status.IN_PROGRESS}

    def is_overdue(self, today: Any = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())


class Membership(TimeStampedModel):
    """A user's representation of a member organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        "Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="user_memberships",
    )
    title = models.CharField(_("role or title"), max_length=150, blank=True)

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization}"


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which an invitation token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStampedModel):
    """An invitation, sent by email, to join an organization as a member.

    Only the SHA-256 of the token is stored: the link in the email is the only copy.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), max_length=254)
    organization = models.ForeignKey(
        "Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    title = models.CharField(_("role or title"), max_length=150, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # A pending directory record that accepting the invitation claims (SECURITY.md R4).
    person = models.ForeignKey(
        "Person",
        verbose_name=_("directory record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    objects = InvitationQuerySet.as_manager()

    AUDIT_REDACT_VALUES = True

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)
