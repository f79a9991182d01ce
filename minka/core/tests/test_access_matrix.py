"""Walk every route for every persona and method, and compare with the access matrix.

Set ``MINKA_MATRIX_OBSERVE=1`` to print what the application answers instead of failing,
as a starting point for a new entry (then read each number and decide whether it is right).
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from minka.accounts import services as account_services
from minka.accounts.models import Invitation, Membership
from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.core.testing import RoleTestCase, client_for
from minka.core.tests.access_matrix import MATRIX, METHODS, PERSONAS, Access
from minka.core.tests.admin_matrix import admin_matrix
from minka.core.tests.extensions import matrix_modules
from minka.core.tests.routes import all_routes

if TYPE_CHECKING:
    from collections.abc import Callable


class Objects:
    """The objects the matrix needs, created once per test class."""

    def __init__(self, case: type[RoleTestCase]) -> None:
        self.invitation = account_services.invitation_create(
            actor=case.coord, email="invitee@example.org", organization=case.org_a
        )
        self.token = account_services.invitation_link_issue(invitation=self.invitation)
        self.reg_invitation = account_services.invitation_create(
            actor=case.coord, email=case.reg.email, organization=case.org_a
        )
        self.reg_token = account_services.invitation_link_issue(invitation=self.reg_invitation)
        expired = account_services.invitation_create(
            actor=case.coord, email="late@example.org", organization=case.org_b
        )
        self.expired_token = account_services.invitation_link_issue(invitation=expired)
        Invitation.objects.filter(pk=expired.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
        self.audit = audit_record(actor=case.admin, action=AuditEntry.Action.UPDATE)
        self.task = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="minka.core.tasks.send_email",
            backend_name="default",
            run_after=timezone.now(),
        )
        self.session = UserSession.objects.create(
            user=case.mem_a, ip="127.0.0.1", session_key="matrix-session", user_agent="test"
        )
        for module in matrix_modules():
            if hasattr(module, "setup_objects"):
                module.setup_objects(case, self)


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "invitation": lambda o: {"public_id": o.invitation.public_id},
    "token": lambda o: {"token": o.token},
    "reg_token": lambda o: {"token": o.reg_token},
    "expired_token": lambda o: {"token": o.expired_token},
    "unknown_token": lambda o: {"token": "no-such-token"},
    "confirm_key": lambda o: {"key": "no-such-key"},
    "reset_key": lambda o: {"uidb36": "zz", "key": "no-such-key"},
}
for _module in matrix_modules():
    KWARGS.update(getattr(_module, "KWARGS", {}))


def full_matrix() -> dict[str, Access]:
    """The core matrix plus every app's ``matrix_*`` module (not the admin's)."""
    matrix = dict(MATRIX)
    for module in matrix_modules():
        clash = set(matrix) & set(module.MATRIX)
        if clash:
            raise ValueError(f"{module.__name__} repeats matrix entries: {sorted(clash)}")
        matrix.update(module.MATRIX)
    return matrix


def url_for(key: str, access: Access, objects: Objects) -> str:
    """The URL a matrix entry describes, with its arguments filled in."""
    name = key.split("[")[0]
    spec = access.kwargs
    if spec.startswith("admin:"):
        kwargs: dict[str, Any] = {"object_id": spec.removeprefix("admin:")}
    elif spec.startswith("app:"):
        kwargs = {"app_label": spec.removeprefix("app:")}
    elif spec == "view_on_site":
        kwargs = {"content_type_id": "999999", "object_id": "1"}
    else:
        kwargs = KWARGS[spec](objects) if spec else {}
    return reverse(name, kwargs=kwargs or None)


def _object_ids(case: type[RoleTestCase], objects: Objects) -> dict[str, str]:
    """A real primary key per model registered in the admin, for change/delete/history."""
    manage: Any = objects  # attributes set by minka/directory/tests/matrix_manage.py
    ids = {
        "core.auditentry": objects.audit.pk,
        "accounts.user": case.reg.pk,
        "accounts.invitation": objects.invitation.pk,
        "accounts.membership": Membership.objects.filter(user=case.mem_a).get().pk,
        "directory.organization": case.org_a.pk,
        "directory.topic": manage.manage_topic.pk,
        "directory.person": manage.manage_person.pk,
        "directory.affiliation": manage.manage_affiliation.pk,
        "directory.consentevent": manage.manage_consent_event.pk,
        "directory.datarequest": manage.manage_data_request.pk,
        "account.emailaddress": EmailAddress.objects.get(user=case.reg).pk,
        "mfa.authenticator": Authenticator.objects.filter(user=case.coord).get().pk,
        "usersessions.usersession": objects.session.pk,
        "django_tasks_database.dbtaskresult": objects.task.pk,
        "documents.document": manage.doc_public.pk,
        "documents.version": manage.v_public.pk,
        "meetings.series": manage.admin_series.pk,
        "meetings.meeting": manage.admin_meeting.pk,
        "meetings.minutes": manage.admin_minutes.pk,
    }
    return {label: str(pk) for label, pk in ids.items()}


# The database task backend, so that the admin can show a queued task; emails then wait
# in the queue instead of being sent.
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
class AccessMatrixTests(RoleTestCase):
    objects: Objects
    full_matrix: dict[str, Access]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.objects = Objects(cls)
        cls.full_matrix = {**full_matrix(), **admin_matrix(_object_ids(cls, cls.objects))}

    def test_every_route_has_an_entry(self) -> None:
        """A route without a matrix entry fails: new views must state who may use them."""
        covered = {key.split("[")[0] for key in self.full_matrix}
        missing = sorted(route.name for route in all_routes() if route.name not in covered)
        self.assertEqual(missing, [], "Routes without an access-matrix entry")

    def test_no_entry_names_a_route_that_does_not_exist(self) -> None:
        names = {route.name for route in all_routes()}
        stale = sorted(key for key in self.full_matrix if key.split("[")[0] not in names)
        self.assertEqual(stale, [])

    def test_every_route_answers_every_persona_and_method_as_the_matrix_says(self) -> None:
        """Walk route × persona × method; any status that differs from the matrix fails."""
        observe = os.environ.get("MINKA_MATRIX_OBSERVE") == "1"
        mismatches: list[str] = []
        cells = 0
        for key, access in sorted(self.full_matrix.items()):
            url = url_for(key, access, self.objects)
            observed: dict[str, tuple[int, ...]] = {}
            for method in METHODS:
                expected = access.methods.get(method, (405,) * len(PERSONAS))
                statuses = []
                for index, persona in enumerate(PERSONAS):
                    status = self._request(persona, method, url, access.data)
                    statuses.append(status)
                    cells += 1
                    if status != expected[index]:
                        mismatches.append(
                            f"{key} {method} as {persona}: got {status}, "
                            f"matrix says {expected[index]}"
                        )
                observed[method] = tuple(statuses)
            if observe:
                print(f"{key!r}: {observed},")  # noqa: T201
        if observe:
            return
        print(f"access matrix: {cells} cells over {len(self.full_matrix)} entries")  # noqa: T201
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def _request(self, persona: str, method: str, url: str, data: dict[str, str]) -> int:
        user = None if persona == "anon" else getattr(self, persona)
        client = client_for(user)
        cache.clear()  # rate limits are tested on their own; here they would only add noise
        # Each request runs in a transaction that is rolled back, so that one cell's
        # action (accepting an invitation, signing out) cannot change the next cell.
        with transaction.atomic():
            sender = getattr(client, method.lower())
            if method in {"GET", "DELETE"}:
                response = sender(url)
            elif method == "POST":
                response = sender(url, data)
            else:
                response = sender(url, data="", content_type="application/x-www-form-urlencoded")
            transaction.set_rollback(True)
        return int(response.status_code)
