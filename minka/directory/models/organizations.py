"""Organizations of the network, with their sector, region and topics."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
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

    def public(self) -> OrganizationQuerySet:
        """What anyone may see: current members and outside bodies (the CODESI, a ministry,
        a regulator) recorded because they hold commitments or take part."""
        return self.filter(membership_status__in=Organization.PUBLIC_STATUSES)

    def bodies(self) -> OrganizationQuerySet:
        """Bodies with a mandate (commissions, the network's coordination)."""
        return self.filter(is_body=True)


class Organization(TimeStampedModel):
    class MembershipStatus(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        MEMBER = "member", _("Member")
        FORMER = "former", _("Former member")
        # Not a member of the network: an outside body (the CODESI, a ministry, a regulator)
        # recorded in the directory as an organization of its kind; public.
        EXTERNAL = "external", _("Outside body")

    PUBLIC_STATUSES = (MembershipStatus.MEMBER, MembershipStatus.EXTERNAL)

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
    # A body with a mandate (a commission such as the CODESI, the network's own coordination,
    # a ministry's committee): its page lists its functions, members and commitments.
    is_body = models.BooleanField(_("body with a mandate"), default=False)
    mandate = models.TextField(_("mandate"), max_length=4000, blank=True)
    body_members = models.ManyToManyField(
        "self",
        verbose_name=_("member organizations of the body"),
        symmetrical=False,
        blank=True,
        related_name="bodies",
    )
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

    @property
    def is_public(self) -> bool:
        """Anyone may see it (a current member or an outside body)."""
        return self.membership_status in self.PUBLIC_STATUSES


class BodyFunction(models.Model):
    """One function of a body, as its mandate lists them (in order)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="functions",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("function"), max_length=500)

    class Meta:
        verbose_name = _("function of a body")
        verbose_name_plural = _("functions of bodies")
        ordering = ["organization", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "position"], name="body_function_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.text
