"""Walk every route for every persona and method, and compare with the access matrix.

Set ``MINKA_MATRIX_OBSERVE=1`` to print what the application answers instead of failing,
as a starting point for a new entry (then read each number and decide whether it is right).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from minka.core.middleware import MethodAllowlistMiddleware
from minka.core.models import AuditEntry
from minka.core.services import audit_record
from minka.core.tests.access_matrix import MATRIX, METHODS, PERSONAS, Access
from minka.core.tests.admin_matrix import admin_matrix
from minka.core.tests.base import RoleTestCase, client_for
from minka.core.tests.extensions import matrix_modules
from minka.core.tests.routes import all_routes
from minka.directory import services as directory_services
from minka.directory.models import Invitation, Membership

if TYPE_CHECKING:
    from collections.abc import Callable


class Objects:
    """The objects the matrix needs, created once per test class."""

    def __init__(self, case: type[RoleTestCase]) -> None:
        self.invitation = directory_services.invitation_create(
            actor=case.coord, email="invitee@example.org", organization=case.org_a
        )
        self.token = directory_services.invitation_link_issue(invitation=self.invitation)
        self.reg_invitation = directory_services.invitation_create(
            actor=case.coord, email=case.reg.email, organization=case.org_a
        )
        self.reg_token = directory_services.invitation_link_issue(invitation=self.reg_invitation)
        expired = directory_services.invitation_create(
            actor=case.coord, email="late@example.org", organization=case.org_b
        )
        self.expired_token = directory_services.invitation_link_issue(invitation=expired)
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
        "directory.invitation": objects.invitation.pk,
        "directory.membership": Membership.objects.filter(user=case.mem_a).get().pk,
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
        "agreements.commitment": manage.ag_public.pk,
        "agreements.goal": manage.ag_goal_public.pk,
    }
    return {label: str(pk) for label, pk in ids.items()}


# Methods the site refuses for everyone before any view runs (MethodAllowlistMiddleware):
# their cells are checked against the middleware itself, not through the whole stack.
BLOCKED_METHODS = tuple(m for m in METHODS if m not in MethodAllowlistMiddleware.ALLOWED)


def _entry_keys() -> list[str]:
    """Every entry's key, known before any object exists (the admin's need only labels)."""
    placeholder_ids: dict[str, str] = defaultdict(lambda: "0")
    return sorted({**full_matrix(), **admin_matrix(placeholder_ids)})


# The database task backend, so that the admin can show a queued task; emails then wait
# in the queue instead of being sent.
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
class AccessMatrixTests(RoleTestCase):
    """One test per matrix entry (``test_entry_<route>``): its route for every persona and
    method. Each persona signs in once for the whole class; each request runs in a rolled
    back transaction with the persona's session cookie restored, so no cell changes the next.
    """

    objects: Objects
    full_matrix: dict[str, Access]
    sessions: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.objects = Objects(cls)
        cls.full_matrix = {**full_matrix(), **admin_matrix(_object_ids(cls, cls.objects))}
        cls.sessions = {}
        for persona in PERSONAS[1:]:
            client = client_for(getattr(cls, persona))
            cls.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def test_every_route_has_an_entry(self) -> None:
        """A route without a matrix entry fails: new views must state who may use them."""
        covered = {key.split("[")[0] for key in self.full_matrix}
        missing = sorted(route.name for route in all_routes() if route.name not in covered)
        self.assertEqual(missing, [], "Routes without an access-matrix entry")

    def test_no_entry_names_a_route_that_does_not_exist(self) -> None:
        names = {route.name for route in all_routes()}
        stale = sorted(key for key in self.full_matrix if key.split("[")[0] not in names)
        self.assertEqual(stale, [])

    def test_every_entry_has_a_test_and_every_cell_an_expectation(self) -> None:
        """The per-entry tests cover the whole matrix: entries × methods × personas."""
        self.assertEqual(sorted(self.full_matrix), _entry_keys())
        generated = {name for name in dir(self) if name.startswith("test_entry_")}
        self.assertEqual(len(generated), len(self.full_matrix))
        cells = len(self.full_matrix) * len(METHODS) * len(PERSONAS)
        print(f"access matrix: {cells} cells over {len(self.full_matrix)} entries")  # noqa: T201
        self.assertGreaterEqual(cells, 10_000)

    def test_blocked_methods_never_reach_a_view_for_any_persona(self) -> None:
        """Through the whole stack, once per method and persona: the middleware answers 405
        before sessions, authentication or the view (which the per-entry tests rely on)."""
        order = settings.MIDDLEWARE
        allowlist = "minka.core.middleware.MethodAllowlistMiddleware"
        self.assertLess(
            order.index(allowlist),
            order.index("django.contrib.sessions.middleware.SessionMiddleware"),
        )
        url = reverse("site:home")
        for method in BLOCKED_METHODS:
            for persona in PERSONAS:
                with self.subTest(method=method, persona=persona):
                    self.assertEqual(self._request(persona, method, url, {}), 405)

    def _check_entry(self, key: str) -> None:
        """Walk ``key``'s route × persona × method; any status unlike the matrix fails."""
        observe = os.environ.get("MINKA_MATRIX_OBSERVE") == "1"
        access = self.full_matrix[key]
        url = url_for(key, access, self.objects)
        mismatches: list[str] = []
        observed: dict[str, tuple[int, ...]] = {}
        for method in METHODS:
            expected = access.methods.get(method, (405,) * len(PERSONAS))
            if method in BLOCKED_METHODS and not url.startswith("/api/"):
                statuses = [self._blocked_status(method, url)] * len(PERSONAS)
            else:
                statuses = [self._request(p, method, url, access.data) for p in PERSONAS]
            observed[method] = tuple(statuses)
            mismatches += [
                f"{key} {method} as {persona}: got {status}, matrix says {want}"
                for persona, status, want in zip(PERSONAS, statuses, expected, strict=True)
                if status != want
            ]
        if observe:
            print(f"{key!r}: {observed},")  # noqa: T201
            return
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def _blocked_status(self, method: str, url: str) -> int:
        """What the method allow-list answers to ``method`` on ``url`` (it runs before the
        session is read, so the same for every persona)."""

        def view(request: HttpRequest) -> HttpResponse:
            return HttpResponse(status=599)  # reached the view: never what the matrix says

        request = RequestFactory().generic(method, url)
        return int(MethodAllowlistMiddleware(view)(request).status_code)

    def _request(self, persona: str, method: str, url: str, data: dict[str, str]) -> int:
        client = Client()
        if persona != "anon":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
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


def _entry_test(key: str) -> Callable[[AccessMatrixTests], None]:
    def test(self: AccessMatrixTests) -> None:
        self._check_entry(key)

    test.__doc__ = f"The access matrix's entry {key}: every persona and method."
    return test


for _key in _entry_keys():
    setattr(AccessMatrixTests, "test_entry_" + re.sub(r"\W+", "_", _key), _entry_test(_key))
