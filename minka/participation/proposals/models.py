"""Agenda proposals: a topic a member proposes for a coming meeting, its supports and its
comments.

A :class:`Proposal` is internal (members) or external (public). Other people support it
(one :class:`Support` per person and proposal, a database constraint) and comment on it
(:class:`ProposalComment`, a comment or a reply to a comment, no deeper). A coordinator
accepts it into a planned meeting's agenda (it becomes an ``AgendaItem`` of kind
``proposal``, kept in ``agenda_item``) or declines it with a reason. ``support_count`` is
kept by the services under a row lock, so that lists sort and show it without counting.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minka.core.models import TimeStampedModel
from minka.core.visibility import Visibility, VisibilityQuerySet, visibility_field
from minka.participation.comments import HideableComment

__all__ = ["Proposal", "ProposalComment", "Support"]

# A proposal is internal (members) or external (public): never for coordinators only.
PROPOSAL_VISIBILITIES = (Visibility.PUBLIC, Visibility.MEMBERS)


class ProposalQuerySet(VisibilityQuerySet):
    def open(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.OPEN)


class Proposal(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("proposal status", "Open")
        ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted")
        DECLINED = "declined", pgettext_lazy("proposal status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000)
    visibility = visibility_field(default=Visibility.MEMBERS)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    organizations = models.ManyToManyField(
        "directory.Organization",
        verbose_name=_("proposing organizations"),
        blank=True,
        related_name="proposals",
    )
    # The meeting it is meant for (none: the next one); the one it went to once accepted.
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    agenda_item = models.OneToOneField(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda proposal")
        verbose_name_plural = _("agenda proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=PROPOSAL_VISIBILITIES), name="proposal_visibility"
            ),
        ]
        indexes = [
            models.Index(fields=["visibility", "status", "support_count"], name="proposal_list")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal-detail", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Support(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="proposal_supports",
    )
    created_at = models.DateTimeField(_("supported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposal_support_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal}"


class ProposalComment(HideableComment):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal_comments",
    )
    # A reply to a comment; replies have no replies (checked by the service).
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("comment on a proposal")
        verbose_name_plural = _("comments on proposals")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal} ({self.pk})"

    def get_absolute_url(self) -> str:
        return f"{self.proposal.get_absolute_url()}#comentario-{self.pk}"
