"""Organizations of the network.

This is the foundation's slice of the directory: enough for memberships and invitations.
The directory issue adds sectors, regions, topics, people and consent.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel


class Organization(TimeStampedModel):
    class MembershipStatus(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        MEMBER = "member", _("Member")
        FORMER = "former", _("Former member")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    # Public identifier in URLs: a slug, never the sequential primary key.
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    membership_status = models.CharField(
        _("membership status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.MEMBER,
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name
