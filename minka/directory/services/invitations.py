"""Invitations to represent a member organization, and the memberships they create."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.emails import email_queue
from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.directory.models import (
    Organization,
    Person,
)
from minka.directory.search_index import index_person

if TYPE_CHECKING:
    from minka.accounts.models import User


import secrets
from datetime import timedelta

from minka.accounts.models import User
from minka.accounts.services import user_set_role
from minka.directory.models import Invitation, Membership, hash_token
from minka.directory.permissions import can_manage_invitations


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    organization: Organization,
    title: str = "",
    person: Person | None = None,
) -> Invitation:
    """Invite ``email`` to join ``organization`` as a member, and email the link.

    The email is rendered by the task worker, which makes the link's token then
    (:func:`invitation_link_issue`): no token is stored or queued, only its hash. Refuses a second
    pending invitation for the same address and organization, and an address that
    already represents the organization. The caller need not check permissions.

    With ``person`` (a pending directory record added by someone else), accepting claims
    that record, and the email is the first contact: it says where the data came from and
    asks for consent (SECURITY.md R4).
    """
    if not can_manage_invitations(actor):
        raise PermissionDenied
    email = email.strip().lower()
    if Membership.objects.filter(user__email__iexact=email, organization=organization).exists():
        raise ValidationError(
            _("%(email)s already represents %(organization)s.")
            % {"email": email, "organization": organization.name}
        )
    if Invitation.objects.pending().filter(email__iexact=email, organization=organization).exists():
        raise ValidationError(
            _("There is already a pending invitation for %(email)s to %(organization)s.")
            % {"email": email, "organization": organization.name}
        )
    invitation = Invitation.objects.create(
        email=email,
        organization=organization,
        title=title,
        # Until the email is rendered, the hash of a token nobody ever sees.
        token_hash=hash_token(secrets.token_urlsafe(32)),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        person=person,
    )
    audit_record(actor=actor, action=AuditEntry.Action.INVITE, target=invitation)
    email_queue(kind="directory.invitation", invitation_id=invitation.pk)
    return invitation


@transaction.atomic
def invitation_link_issue(*, invitation: Invitation) -> str:
    """A new link token for ``invitation``: its hash replaces the stored one, so an earlier
    link stops working, and the token itself is returned, never stored. Called by the email
    worker as it renders the invitation (and by tests that follow a link)."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=invitation.token_hash)
    return token


def _check_acceptable(invitation: Invitation) -> None:
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if status == Invitation.Status.REVOKED:
        raise ValidationError(_("This invitation was withdrawn."), code="revoked")
    if status == Invitation.Status.EXPIRED:
        raise ValidationError(
            _("This invitation has expired. Ask the coordination team for a new one."),
            code="expired",
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Accept ``invitation`` as ``user``: add the membership and raise the role to member.

    The invitation is locked first, so two simultaneous acceptances cannot both succeed.
    The user's address must be the invited one: the link proves only that mailbox. An
    invitation that carries a directory record links it to ``user`` and makes it active,
    with every consent still off: the person chooses what to share on "Mis datos".
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_acceptable(invitation)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to another email address. Sign in with that address."),
            code="wrong_user",
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"title": invitation.title}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    if user.role == User.Role.REGISTERED:
        user_set_role(actor=invitation.invited_by, user=user, role=User.Role.MEMBER, check=False)
    if invitation.person_id is not None:
        _person_claim(person_id=invitation.person_id, user=user)
    audit_record(actor=user, action=AuditEntry.Action.INVITE_ACCEPT, target=invitation)
    return membership


def _person_claim(*, person_id: int, user: User) -> None:
    """Link a pending directory record to ``user``, who proved its address.

    Nothing happens when the record is gone, anonymized or claimed already, or when the
    user already has a record of their own (a person has one record; coordinators merge).
    """
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if (
        person is None
        or person.user_id is not None
        or person.status == Person.Status.ANONYMIZED
        or Person.objects.filter(user=user).exists()
    ):
        return
    changes = {"user": ["***", "***"]}
    if person.status != Person.Status.ACTIVE:
        changes["status"] = [person.status, Person.Status.ACTIVE.value]
    person.user = user
    person.status = Person.Status.ACTIVE
    person.save(update_fields=["user", "status", "updated_at"])
    audit_record(actor=user, action=AuditEntry.Action.UPDATE, target=person, changes=changes)
    index_person(person)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    """Withdraw a pending invitation, so its link stops working at once."""
    if not can_manage_invitations(actor):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.INVITE_REVOKE, target=invitation)
