"""The role test base: one user per role, and helpers to act as each of them.

Personas (as in shared/SECURITY.md): ``anon`` (not signed in), ``reg`` (registered, not a
member), ``mem_a`` (member of organization A), ``mem_b`` (member of another organization, B),
``coord`` (coordinator) and ``admin``. Coordinators and admins get a TOTP authenticator, as
their role requires, so that they reach the pages instead of the two-factor set-up.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.conf import settings
from django.test import Client, SimpleTestCase, TestCase, override_settings

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.directory.tests.factories import MembershipFactory, OrganizationFactory

if TYPE_CHECKING:
    from minka.directory.models import Organization

PERSONAS = ("anon", "reg", "mem_a", "mem_b", "coord", "admin")


# The tests of password hashing (and of its timing) hash as production does; the rest of the
# suite uses a fast hasher (settings.py).
REAL_HASHERS = override_settings(PASSWORD_HASHERS=settings.PRODUCTION_PASSWORD_HASHERS)


def add_totp(user: User) -> str:
    """Give ``user`` a TOTP authenticator and return its secret."""
    secret: str = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, offset: int = 0) -> str:
    """Return the current TOTP code for ``secret`` (``offset`` in 30-second steps)."""
    counter = int(time.time()) // 30 + offset
    value: int = hotp_value(secret, counter)
    return f"{value:06d}"


def make_personas() -> dict[str, Any]:
    """Create organizations A and B and one user per persona (``anon`` is ``None``)."""
    org_a = OrganizationFactory.create(name="Organización A", acronym="OA", slug="org-a")
    org_b = OrganizationFactory.create(name="Organización B", acronym="OB", slug="org-b")
    reg = UserFactory.create(email="reg@example.org", full_name="Registrada Pública")
    mem_a = MembershipFactory.create(
        user__email="mem-a@example.org", user__full_name="Miembro A", organization=org_a
    ).user
    mem_b = MembershipFactory.create(
        user__email="mem-b@example.org", user__full_name="Miembro B", organization=org_b
    ).user
    coord = UserFactory.create(
        email="coord@example.org", full_name="Coordinación", role=User.Role.COORDINATOR
    )
    admin = UserFactory.create(
        email="admin@example.org", full_name="Administración", role=User.Role.ADMIN
    )
    add_totp(coord)
    add_totp(admin)
    return {
        "org_a": org_a,
        "org_b": org_b,
        "anon": None,
        "reg": reg,
        "mem_a": mem_a,
        "mem_b": mem_b,
        "coord": coord,
        "admin": admin,
    }


def client_for(user: User | None) -> Client:
    """Return a test client signed in as ``user`` (anonymous for ``None``)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class RoleTestCase(TestCase):
    """A TestCase with every persona; ``self.as_(name)`` gives a client signed in as it."""

    org_a: Organization
    org_b: Organization
    reg: User
    mem_a: User
    mem_b: User
    coord: User
    admin: User

    @classmethod
    def setUpTestData(cls) -> None:
        for name, value in make_personas().items():
            setattr(cls, name, value)

    def as_(self, persona: str) -> Client:
        return client_for(getattr(self, persona, None) if persona != "anon" else None)


def use_temporary_media(test: SimpleTestCase, prefix: str = "minka-test-media-") -> Path:
    """Give ``test`` a fresh, empty ``MEDIA_ROOT`` for its duration; return the folder."""
    media = tempfile.mkdtemp(prefix=prefix)
    test.addCleanup(shutil.rmtree, media, ignore_errors=True)
    settings_override = override_settings(MEDIA_ROOT=media)
    settings_override.enable()
    test.addCleanup(settings_override.disable)
    return Path(media)


def run_task_worker() -> None:
    """Run the database task worker until the queue is empty (``db_worker --batch``), in the
    test's own connection and process (``--no-fork``): the worker would close it between tasks
    (``close_old_connections``), which a test's transaction cannot survive on PostgreSQL."""
    from io import StringIO
    from unittest import mock

    from django.core.management import call_command

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-fork",
            stdout=StringIO(),
            stderr=StringIO(),
        )
