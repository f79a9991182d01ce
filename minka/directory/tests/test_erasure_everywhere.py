"""Erasure after a person has used every part of their account (review finding 1).

The person signs in, fails a sign-in, turns on two factors, generates recovery codes, turns
them off, changes and resets the password, adds an address, ends their other sessions,
downloads their data, attends a meeting whose minutes' PDF is stored, and asks for
cancellation; the coordinator closes it as done and the task worker (the database queue, as
in production) sends the last answer. Then the canaries are searched in every table (the
audit log, the task queue and the search index included), every media file (the stored PDFs
read as text) and everything logged meanwhile: 0 hits.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta

import pypdfium2
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.accounts.tests.factories import PASSWORD, UserFactory
from minka.core.logging import SafeFormatter
from minka.core.models import AuditEntry
from minka.core.tests.base import (
    RoleTestCase,
    run_task_worker,
    totp_code,
    use_temporary_media,
)
from minka.core.visibility import Visibility
from minka.directory import services
from minka.directory.models import DataRequest, Membership, Person
from minka.meetings.minutes import pdf_store
from minka.meetings.minutes import services as minutes_services
from minka.meetings.models import Attendance, Invitee
from minka.meetings.tests.factories import MeetingFactory

TAG = uuid.uuid4().hex[:12]
CANARIES = {
    "login_email": f"canary-everywhere-{TAG}@example.org",
    "second_email": f"canary-second-{TAG}@example.org",
    "account_name": f"Canary Everywhere {TAG}",
    "request_details": f"Canary everywhere details {TAG}",
}
NEW_PASSWORD = "otra frase larga y segura 2026"
RESET_PASSWORD = "una tercera frase larga y segura"

DATABASE_TASKS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


def _hits(text: str) -> list[str]:
    lowered = text.lower()
    return [name for name, canary in CANARIES.items() if canary.lower() in lowered]


class _Capture(logging.Handler):
    """Every record, formatted as the project formats its log lines."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(SafeFormatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@DATABASE_TASKS
@override_settings(LANGUAGE_CODE="en")
class ErasureAfterEverySignalTests(RoleTestCase):
    def setUp(self) -> None:
        self.media = use_temporary_media(self, prefix="minka-erasure-everywhere-")
        self.log = _Capture()

    def _capture_logs(self) -> None:
        """From now on (the test's own factories log the objects they make)."""
        root = logging.getLogger()
        previous = root.level
        root.addHandler(self.log)
        root.setLevel(logging.DEBUG)
        self.addCleanup(root.setLevel, previous)
        self.addCleanup(root.removeHandler, self.log)

    def _use_everything(self) -> Person:
        user = UserFactory.create(email=CANARIES["login_email"], full_name=CANARIES["account_name"])
        Membership.objects.create(user=user, organization=self.org_a)
        person = services.person_for_user(user=user)
        self._capture_logs()
        client = Client()
        # Sign in, and a failed sign-in from elsewhere.
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        Client().post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        # Two factors on, recovery codes, two factors off (after confirming the password).
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        response = client.get(reverse("mfa_activate_totp"))
        self.assertEqual(response.status_code, 200, response.get("Location"))
        secret = client.session["mfa.totp.secret"]
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        self.assertEqual(response.status_code, 302, response.content[:300])
        response = client.post(reverse("mfa_generate_recovery_codes"))
        self.assertEqual(response.status_code, 302)
        response = client.post(reverse("mfa_deactivate_totp"))
        self.assertEqual(response.status_code, 302)
        # The password changed, then reset by email.
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        self.assertEqual(response.status_code, 302)
        mail.outbox.clear()
        Client().post(reverse("account_reset_password"), {"email": user.email})
        link = re.search(
            r"https?://[^/\s]+(/\S+/password/reset/key/\S+/)", str(mail.outbox[0].body)
        )
        assert link is not None
        reset = Client()
        response = reset.get(link.group(1), follow=True)
        response = reset.post(
            response.redirect_chain[-1][0],
            {"password1": RESET_PASSWORD, "password2": RESET_PASSWORD},
        )
        self.assertEqual(response.status_code, 302)
        client = Client()
        client.post(reverse("account_login"), {"login": user.email, "password": RESET_PASSWORD})
        # Another address, and the other sessions ended.
        client.post(reverse("account_reauthenticate"), {"password": RESET_PASSWORD})
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": CANARIES["second_email"]}
        )
        self.assertEqual(response.status_code, 302)
        Client().post(reverse("account_login"), {"login": user.email, "password": RESET_PASSWORD})
        response = client.post(reverse("usersessions_list"))
        self.assertEqual(response.status_code, 302)
        # Their data downloaded.
        self.assertEqual(client.get(reverse("directory:mydata-export-json")).status_code, 200)
        # A meeting they were invited to and attended, with published minutes and their PDF.
        meeting = MeetingFactory.create(
            starts_at=timezone.now() - timedelta(days=3),
            ends_at=timezone.now() - timedelta(days=3, hours=-2),
        )
        Invitee.objects.create(meeting=meeting, person=person)
        Attendance.objects.create(meeting=meeting, person=person, source=Attendance.Source.RECORDED)
        minutes = minutes_services.minutes_create(actor=self.coord, meeting=meeting)
        deadline = timezone.now() + timedelta(days=1)
        minutes_services.minutes_open_review(actor=self.coord, minutes=minutes, deadline=deadline)
        minutes_services.minutes_approve(actor=self.coord, minutes=minutes)
        minutes_services.minutes_publish(
            actor=self.coord, minutes=minutes, visibility=Visibility.PUBLIC
        )
        assert minutes.current_revision is not None
        name, html = pdf_store.lookup(minutes, minutes.current_revision)
        pdf_store.store(minutes, name, html)
        # The cancellation, asked for and closed as done by a coordinator.
        response = client.post(
            reverse("directory:mydata-request"),
            {"kind": DataRequest.Kind.CANCELLATION, "details": CANARIES["request_details"]},
        )
        self.assertEqual(response.status_code, 302)
        return Person.objects.get(pk=person.pk)

    def _search_database(self) -> tuple[list[str], int, int]:
        hits: list[str] = []
        rows = 0
        quote = connection.ops.quote_name
        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from the schema
                for raw in cursor.fetchall():
                    rows += 1
                    text = " ".join(
                        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                        for value in raw
                    )
                    hits += [f"table {table}: {name}" for name in _hits(text)]
        return hits, rows, len(tables)

    def _search_media(self) -> tuple[list[str], int, int]:
        hits: list[str] = []
        files = [path for path in self.media.rglob("*") if path.is_file()]
        pdfs = 0
        for path in files:
            text = f"{path.relative_to(self.media)}\n" + path.read_bytes().decode(
                "utf-8", "replace"
            )
            if path.suffix == ".pdf":
                pdfs += 1
                document = pypdfium2.PdfDocument(path)
                text += "\n".join(page.get_textpage().get_text_range() for page in document)
                document.close()
            hits += [f"media {path.name}: {name}" for name in _hits(text)]
        return hits, len(files), pdfs

    def test_every_signal_then_erasure_leaves_no_canary_anywhere(self) -> None:
        person = self._use_everything()
        # Positive control: before the erasure the canaries are found where they were put.
        before, _rows, _tables = self._search_database()
        self.assertEqual({hit.rsplit(": ", 1)[1] for hit in before}, set(CANARIES))
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        for action in ("login", "login_failed", "mfa_change", "password_change", "export"):
            self.assertIn(action, actions)
        changes = [entry.changes for entry in AuditEntry.objects.filter(target_id=person.user_id)]
        self.assertIn({"email_address": ["", "added"]}, changes)
        self.assertTrue(any("sessions_ended" in change for change in changes), changes)

        data_request = DataRequest.objects.get(person=person)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("coord").post(
                reverse("directory:datarequest-detail", args=[data_request.public_id]),
                {"status": DataRequest.Status.DONE, "answer": "Hecho."},
            )
        self.assertEqual(response.status_code, 302)
        mail.outbox.clear()
        run_task_worker()
        self.assertEqual([m.to for m in mail.outbox], [[CANARIES["login_email"]]])

        db_hits, rows, tables = self._search_database()
        media_hits, files, pdfs = self._search_media()
        log_hits = [f"log: {name}: {line[:300]}" for line in self.log.lines for name in _hits(line)]
        self.assertEqual(db_hits, [])
        self.assertEqual(media_hits, [])
        self.assertEqual(log_hits, [])
        self.assertGreaterEqual(pdfs, 1)
        self.assertGreater(len(self.log.lines), 0)
        print(  # noqa: T201
            f"erasure everywhere: {len(CANARIES)} canaries, {rows} rows over {tables} tables "
            f"({len(apps.get_models(include_auto_created=True))} models), "
            f"{AuditEntry.objects.count()} audit entries, {files} media files ({pdfs} PDFs), "
            f"{len(self.log.lines)} log lines searched: "
            f"{len(db_hits) + len(media_hits) + len(log_hits)} hits"
        )
