"""The full export of a person: everything Minka holds about them (Ley 29733, access and
portability; SECURITY.md R6).

:func:`person_export_data` gathers every record that points to the person or to their
account, section by section; :data:`EXPORTED_MODELS` names the model behind each section,
and a test walks every model of the project to make sure that no model pointing to a person
or an account is left out. The export is built inside the request: it is small (one person's
records) and needs no background job yet; a background build with expiring, user-bound
links (R6) can replace it when other apps add bulky data.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q

from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.directory.models import Affiliation, ConsentEvent, DataRequest, Person

if TYPE_CHECKING:
    from minka.accounts.models import User

# Section of the export → the model it comes from ("app_label.ModelName").
EXPORTED_MODELS: dict[str, str] = {
    "person": "directory.Person",
    "affiliations": "directory.Affiliation",
    "consent_events": "directory.ConsentEvent",
    "data_requests": "directory.DataRequest",
    "account": "accounts.User",
    "memberships": "directory.Membership",
    "invitations": "directory.Invitation",
    "email_addresses": "account.EmailAddress",
    "second_factors": "mfa.Authenticator",
    "sessions": "usersessions.UserSession",
    "audit_log": "core.AuditEntry",
}  # ... and the sections other apps register (register_export_sections).

# The account's fields in the export; the password hash and the staff flags are left out
# (a secret, and values derived from the role).
USER_FIELDS = (
    "public_id",
    "email",
    "full_name",
    "role",
    "language",
    "is_active",
    "date_joined",
    "last_login",
    "role_granted_at",
    "notice_version",
    "notice_hash",
    "notice_accepted_at",
)


def _file_name(value: Any) -> str:
    return value.name if value else ""


def _person_data(person: Person) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in Person._meta.concrete_fields:
        if field.name in {"id", "user", "created_by"}:
            continue
        value = getattr(person, field.name)
        data[field.name] = _file_name(value) if field.name == "photo" else value
    data["has_account"] = person.user_id is not None
    data["added_by_someone_else"] = person.created_by_id is not None
    return data


def _user_sections(person: Person, user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from minka.directory.models import Invitation, Membership

    return {
        "account": {field: getattr(user, field) for field in USER_FIELDS},
        "memberships": list(
            Membership.objects.filter(user=user)
            .order_by("created_at")
            .values("organization__name", "title", "created_at")
        ),
        # Invitations sent to the person's address, accepted by them or carrying their
        # record; the invitations a coordinator sent to others are not theirs.
        "invitations": [
            {
                "email": invitation.email,
                "organization": invitation.organization.name,
                "title": invitation.title,
                "status": invitation.status,
                "created_at": invitation.created_at,
                "expires_at": invitation.expires_at,
                "accepted_at": invitation.accepted_at,
                "revoked_at": invitation.revoked_at,
            }
            for invitation in Invitation.objects.filter(
                Q(email__iexact=user.email) | Q(accepted_by=user) | Q(person=person)
            )
            .select_related("organization")
            .order_by("created_at")
        ],
        "email_addresses": list(
            EmailAddress.objects.filter(user=user)
            .order_by("pk")
            .values("email", "verified", "primary")
        ),
        # The kind and dates of each second factor; never its secret.
        "second_factors": list(
            Authenticator.objects.filter(user=user)
            .order_by("pk")
            .values("type", "created_at", "last_used_at")
        ),
        # Where and when the account was signed in; never the session key.
        "sessions": list(
            UserSession.objects.filter(user=user)
            .order_by("created_at")
            .values("ip", "user_agent", "created_at", "last_seen_at")
        ),
        "audit_log": list(
            AuditEntry.objects.filter(actor=user)
            .order_by("created_at", "pk")
            .values("created_at", "action", "target_type")
        ),
    }


def _empty_user_sections(person: Person) -> dict[str, Any]:
    from minka.directory.models import Invitation

    return {
        "account": {},
        "memberships": [],
        "invitations": list(
            Invitation.objects.filter(person=person)
            .order_by("created_at")
            .values("email", "organization__name", "title", "created_at", "expires_at")
        ),
        "email_addresses": [],
        "second_factors": [],
        "sessions": [],
        "audit_log": [],
    }


def person_export_data(person: Person, *, user: User | None = None) -> dict[str, Any]:
    """Everything Minka holds about ``person`` and their account, as plain data.

    The caller checks that the requester is the person (or a coordinator acting on an
    access request); ``user`` is the person's account when already loaded. A fixed number
    of queries, whatever the number of rows.
    """
    if user is None or user.pk != person.user_id:
        user = person.user
    data: dict[str, Any] = {
        "person": _person_data(person),
        "affiliations": list(
            Affiliation.objects.filter(person=person)
            .order_by("start_date", "pk")
            .values("organization__name", "title", "start_date", "end_date", "is_focal_point")
        ),
        "consent_events": [
            {
                "purpose": event.purpose,
                "granted": event.granted,
                "created_at": event.created_at,
                "notice_version": event.notice_version,
                "notice_hash": event.notice_hash,
                "channel": event.channel,
                "recorded_by_self": user is not None and event.actor_id == user.pk,
                "evidence": _file_name(event.evidence),
                "request_id": event.request_id,
            }
            for event in ConsentEvent.objects.filter(person=person).order_by("created_at", "pk")
        ],
        "data_requests": list(
            DataRequest.objects.filter(person=person)
            .order_by("received_at")
            .values(
                "public_id",
                "kind",
                "details",
                "status",
                "received_at",
                "due_date",
                "identity_verified",
                "answer",
                "closed_at",
            )
        ),
    }
    data.update(_user_sections(person, user) if user is not None else _empty_user_sections(person))
    for provider in _section_providers:
        data.update(provider(person, user))
    return data


# What other apps hold about a person, by section: each registers a provider (from its
# ``AppConfig.ready()``), called in registration order (the apps' layer order).
SectionProvider = Callable[[Person, "User | None"], dict[str, Any]]
_section_providers: list[SectionProvider] = []


def register_export_sections(
    models: dict[str, str],
) -> Callable[[SectionProvider], SectionProvider]:
    """Add a provider's sections to every personal-data export (a decorator); ``models``
    names the model behind each section it returns (``{"section": "app.Model"}``), for
    :data:`EXPORTED_MODELS`. A provider returns the same keys whether or not the person has
    an account (empty lists then), so that every export has the same shape."""

    def register(provider: SectionProvider) -> SectionProvider:
        if provider not in _section_providers:
            _section_providers.append(provider)
            EXPORTED_MODELS.update(models)
        return provider

    return register


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False, sort_keys=False)


def _encode(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    encoded = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return encoded if isinstance(encoded, str) else json.dumps(encoded)


def export_rows(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The export as ``(section, field, value)`` rows; list items are ``section.N``."""
    rows: list[tuple[str, str, str]] = []
    for section, content in data.items():
        items = content if isinstance(content, list) else [content]
        for index, item in enumerate(items):
            name = f"{section}.{index + 1}" if isinstance(content, list) else section
            for field, value in item.items():
                rows.append((name, field, _encode(value)))
    return rows


def export_csv(data: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("section", "field", "value"))
    for section, field, value in export_rows(data):
        # A leading = + - @ would run as a formula in a spreadsheet: quote it as text.
        safe = f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
        writer.writerow((section, field, safe))
    return buffer.getvalue()


@transaction.atomic
def person_export(*, actor: User, person: Person, fmt: str) -> str:
    """Build the export of ``person`` in ``fmt`` ("json" or "csv") and log the download.

    Precondition: ``actor`` is the person (the view passes the signed-in user's record).
    """
    data = person_export_data(person, user=actor)
    content = export_csv(data) if fmt == "csv" else export_json(data)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        target=person,
        changes={"format": ["", fmt]},
    )
    return content
