from __future__ import annotations

from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from minka.accounts.models import User
from minka.core.tasks import send_email
from minka.core.tests.base import RoleTestCase


@override_settings(LANGUAGE_CODE="en")
class HomeTests(RoleTestCase):
    url = reverse("site:home")

    def test_visitor_sees_sign_in_and_sign_up(self) -> None:
        response = self.as_("anon").get(self.url)
        self.assertContains(response, reverse("account_login"))
        self.assertContains(response, reverse("account_signup"))
        self.assertNotContains(response, reverse("directory:invitation-list"))

    def test_each_role_is_told_who_they_are_and_sees_only_its_links(self) -> None:
        expectations = {
            "reg": "You are signed in with a public account.",
            "mem_a": "You are signed in as a member of the network.",
            "mem_b": "You are signed in as a member of the network.",
            "coord": "You are signed in as a coordinator.",
            "admin": "You are signed in as an administrator.",
        }
        for persona, text in expectations.items():
            with self.subTest(persona=persona):
                response = self.as_(persona).get(self.url)
                self.assertContains(response, text)
                invitations = reverse("directory:invitation-list")
                audit = reverse("core:audit-list")
                if persona in {"coord", "admin"}:
                    self.assertContains(response, invitations)
                else:
                    self.assertNotContains(response, invitations)
                if persona == "admin":
                    self.assertContains(response, audit)
                else:
                    self.assertNotContains(response, audit)

    def test_spanish_is_the_default_language(self) -> None:
        with override_settings(LANGUAGE_CODE="es"):
            response = self.as_("anon").get(self.url)
        self.assertContains(response, '<html lang="es">')
        self.assertContains(response, "Iniciar sesión")

    def test_fixed_number_of_queries(self) -> None:
        """The data's fingerprint and the goals (cached per viewer level until the data
        changes), the commitments due soon and overdue, the next meeting and the latest
        minutes, the open consultations, the proposals awaiting support and their
        organizations: nine queries.
        Signed in: plus session and user and the open date polls; coordinators: plus the
        second-factor check and the applications awaiting a decision."""
        from minka.participation.polls.tests.factories import DatePollFactory
        from minka.participation.proposals.tests.factories import ProposalFactory

        ProposalFactory.create_batch(3, organizations=[self.org_a, self.org_b])
        DatePollFactory.create_batch(2)
        anon = self.as_("anon")
        with self.assertNumQueries(9):
            anon.get(self.url)
        client = self.as_("mem_a")
        client.get(self.url)  # the first request stamps the session clock (one write)
        with self.assertNumQueries(11):  # goals cached; plus session, user and polls
            client.get(self.url)
        client = self.as_("coord")
        client.get(self.url)
        with self.assertNumQueries(13):  # plus the second factor and the applications
            client.get(self.url)


class HealthzTests(RoleTestCase):
    url = reverse("core:healthz")

    def test_tells_everyone_only_whether_it_is_up(self) -> None:
        """Visitors, members and coordinators learn "ok" and nothing about the queue."""
        for persona in ("anon", "mem_a", "coord"):
            with self.subTest(persona=persona):
                response = self.as_(persona).get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json(), {"status": "ok"})
                self.assertIn("no-cache", response["Cache-Control"])

    @override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    )
    def test_admins_see_the_tasks_waiting_in_the_queue(self) -> None:
        for number in (1, 2):
            send_email.enqueue(
                kind="directory.invitation", params={"invitation_id": number}, language="es"
            )
        self.assertEqual(DBTaskResult.objects.count(), 2)
        self.assertEqual(
            self.as_("admin").get(self.url).json(),
            {"status": "ok", "database": "ok", "pending_tasks": 2},
        )
        self.assertNotIn("pending_tasks", self.as_("anon").get(self.url).json())

    def test_database_failure_is_reported_as_down_not_as_a_crash(self) -> None:
        with mock.patch("minka.core.views.connection.cursor", side_effect=RuntimeError("db gone")):
            response = self.as_("anon").get(self.url)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "down", "database": "unreachable"})


@override_settings(LANGUAGE_CODE="en")
class StaticPageTests(RoleTestCase):
    def test_privacy_notice_names_the_controller_and_its_version(self) -> None:
        controller = {
            "name": "Red TIC Perú",
            "ruc": "20123456789",
            "address": "Lima",
            "privacy_email": "privacidad@example.org",
            "data_banks": "Usuarios",
        }
        with override_settings(CONTROLLER=controller):
            response = self.as_("anon").get(reverse("core:privacy"))
        for value in controller.values():
            self.assertContains(response, value)
        self.assertContains(response, "Version 2026-12-05.")
        self.assertContains(response, "Ley 29733")

    @override_settings(APPLICATION_UNVERIFIED_DAYS=5, APPLICATION_REJECTED_DAYS=90)
    def test_privacy_notice_covers_participation_and_applications(self) -> None:
        """The notice states what participation and membership applications collect, who
        sees them and how long applications are kept (from the settings)."""
        response = self.as_("anon").get(reverse("core:privacy"))
        self.assertContains(response, "Participation: the agenda proposals, supports, comments")
        self.assertContains(response, "Membership applications: the organization")
        self.assertContains(response, "never confirmed is deleted after 5 days")
        self.assertContains(response, "a rejected one 90 days after the decision")

    def test_accessibility_statement_is_public(self) -> None:
        for persona in ("anon", "mem_a"):
            self.assertContains(self.as_(persona).get(reverse("core:accessibility")), "WCAG")


class LoadDemoTests(RoleTestCase):
    def test_is_idempotent_and_prints_passwords_only_in_debug(self) -> None:
        out = StringIO()
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=out)
        self.assertIn("password: minka-demo-2026", out.getvalue())
        users = User.objects.filter(is_demo=True).count()
        self.assertEqual(users, 4)
        again = StringIO()
        with override_settings(DEBUG=False):
            call_command("load_demo", stdout=again)
        self.assertIn("(0 new objects)", again.getvalue())
        self.assertNotIn("password:", again.getvalue())
        self.assertEqual(User.objects.filter(is_demo=True).count(), users)
        admin = User.objects.get(email="admin@minka.test")
        self.assertEqual(admin.role, User.Role.ADMIN)
        self.assertTrue(admin.check_password("minka-demo-2026"))

    def test_loads_something_to_take_part_in(self) -> None:
        """The demo has open proposals (one accepted into the next meeting's agenda), an open
        consultation with comments, an open date poll and an application awaiting a
        decision."""
        from minka.meetings.models import AgendaItem
        from minka.participation.models import (
            Consultation,
            DatePoll,
            MembershipApplication,
            Proposal,
        )

        call_command("load_demo", stdout=StringIO())
        self.assertGreaterEqual(Proposal.objects.filter(status=Proposal.Status.OPEN).count(), 2)
        accepted = Proposal.objects.get(status=Proposal.Status.ACCEPTED)
        item = accepted.agenda_item
        assert item is not None
        self.assertEqual(item.kind, AgendaItem.Kind.PROPOSAL)
        self.assertEqual(DatePoll.objects.open().count(), 1)
        consultation = Consultation.objects.open().get()
        self.assertTrue(consultation.comments.exists())
        self.assertTrue(
            MembershipApplication.objects.filter(
                status=MembershipApplication.Status.SUBMITTED
            ).exists()
        )

    def test_outside_debug_the_demo_passwords_are_random(self) -> None:
        with override_settings(DEBUG=False):
            call_command("load_demo", stdout=StringIO())
        self.assertFalse(
            User.objects.get(email="admin@minka.test").check_password("minka-demo-2026")
        )


class MigrationTests(RoleTestCase):
    def test_every_model_change_has_its_migration(self) -> None:
        out = StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit:
            self.fail(f"Missing migrations:\n{out.getvalue()}")
