"""People: their contact data (each datum visible only as they chose) and affiliations."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.core.text import fold
from minka.directory.models.consent import ConsentPurpose
from minka.directory.models.organizations import Organization


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
