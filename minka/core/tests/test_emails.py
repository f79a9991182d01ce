"""Emails are queued as a kind, ids and a language, and rendered in the worker (review
finding 3: the task table kept rendered messages, their links' tokens and addresses)."""

from __future__ import annotations

import json
import re

from django.core import mail
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from minka.core.emails import Email, email_builder, email_queue
from minka.core.tasks import EmailDeliveryError, send_email
from minka.core.tests.base import RoleTestCase, run_task_worker
from minka.directory import services as directory_services
from minka.directory.models import DataRequest, Invitation, hash_token
from minka.meetings.services import invitations as meeting_invitations
from minka.meetings.tests.factories import MeetingFactory

DATABASE_TASKS = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


@DATABASE_TASKS
@override_settings(LANGUAGE_CODE="en")
class QueuedEmailTests(RoleTestCase):
    def assert_no_personal_data_in_tasks(self, *secrets: str) -> None:
        for row in DBTaskResult.objects.all():
            stored = json.dumps(
                [row.args_kwargs, row.return_value, row.traceback, row.exception_class_path]
            )
            for secret in secrets:
                self.assertNotIn(secret.lower(), stored.lower())

    def test_an_invitation_queues_its_id_and_the_worker_makes_the_link(self) -> None:
        """The task holds the kind, the invitation's id and a language; the link is made
        when the worker renders the email, and only its hash is stored."""
        address = "queued-invitee@example.org"
        with self.captureOnCommitCallbacks(execute=True):
            invitation = directory_services.invitation_create(
                actor=self.coord, email=address, organization=self.org_a
            )
        [row] = DBTaskResult.objects.all()
        self.assertEqual(
            row.args_kwargs,
            {
                "args": [],
                "kwargs": {
                    "kind": "directory.invitation",
                    "params": {"invitation_id": invitation.pk},
                    "language": "en",
                },
            },
        )
        self.assertEqual(mail.outbox, [])
        run_task_worker()
        [message] = mail.outbox
        self.assertEqual(message.to, [address])
        found = re.search(r"/invitacion/([\w-]+)/", str(message.body))
        assert found is not None
        token = found.group(1)
        self.assertEqual(Invitation.objects.get(pk=invitation.pk).token_hash, hash_token(token))
        self.assert_no_personal_data_in_tasks(address, token)
        self.assertEqual(DBTaskResult.objects.get().return_value, True)
        # The link works once the email has left.
        response = self.as_("reg").get(f"/invitacion/{token}/")
        self.assertEqual(response.status_code, 200)

    def test_a_revoked_invitation_sends_nothing(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            invitation = directory_services.invitation_create(
                actor=self.coord, email="late@example.org", organization=self.org_a
            )
        directory_services.invitation_revoke(actor=self.coord, invitation=invitation)
        run_task_worker()
        self.assertEqual(mail.outbox, [])
        self.assertEqual(DBTaskResult.objects.get().return_value, False)

    def test_a_meeting_invitation_is_rendered_from_the_invitee(self) -> None:
        """The calendar email, with its RSVP links and iCalendar part, rendered by the
        outbox worker from ids: the outbox row holds no address, link or title."""
        from minka.notifications.delivery import outbox_deliver
        from minka.notifications.models import Message

        meeting = MeetingFactory.create(title="Reunión de prueba")
        person = directory_services.person_for_user(user=self.mem_a)
        [invitee] = meeting_invitations.invitees_add(
            actor=self.coord, meeting=meeting, people=[person]
        )
        [row] = Message.objects.filter(channel="email")
        outbox_deliver()
        [message] = mail.outbox
        self.assertEqual(message.to, [person.email])
        rsvp = meeting_invitations.rsvp_token(invitee)
        self.assertIn(rsvp, str(message.body))
        [calendar] = [a for a in message.attachments if "calendar" in str(a.get_content_type())]
        self.assertEqual(calendar.get_param("method"), "REQUEST")
        stored = json.dumps([row.params, row.key, row.last_error]).lower()
        for secret in (person.email, rsvp, "Reunión de prueba"):
            self.assertNotIn(secret.lower(), stored)

    def test_the_answer_to_a_cancellation_reaches_the_erased_address_once(self) -> None:
        """The address is kept on the request until the worker sends the answer, then
        forgotten; the task itself holds only the request's id."""
        person = directory_services.person_for_user(user=self.mem_b)
        address = self.mem_b.email
        data_request = directory_services.data_request_create(
            actor=self.mem_b, person=person, kind=DataRequest.Kind.CANCELLATION, details=""
        )
        with self.captureOnCommitCallbacks(execute=True):
            directory_services.data_request_close(
                actor=self.coord, request=data_request, status="done", answer="Hecho."
            )
        self.assertEqual(DataRequest.objects.get(pk=data_request.pk).reply_to, address)
        self.assert_no_personal_data_in_tasks(address)
        run_task_worker()
        [message] = mail.outbox
        self.assertEqual(message.to, [address])
        self.assertIn("Hecho.", str(message.body))
        self.assertEqual(DataRequest.objects.get(pk=data_request.pk).reply_to, "")


class EmailQueueTests(RoleTestCase):
    def test_only_ids_and_short_codes_may_be_queued(self) -> None:
        with self.assertRaisesMessage(TypeError, "Email parameters are ids"):
            email_queue(kind="directory.invitation", invitation_id=[1])  # type: ignore[arg-type]
        with self.assertRaisesMessage(LookupError, "No email builder"):
            email_queue(kind="nothing.here", thing_id=1)

    def test_a_delivery_failure_names_no_address(self) -> None:
        """The server's refusal quotes the recipient; the stored error does not."""

        @email_builder("tests.refused")
        def refused(*, number: int) -> Email:
            return Email(to=["refused-recipient@example.org"], subject="s", text="t")

        with (
            override_settings(EMAIL_BACKEND="minka.core.tests.test_emails.RefusingBackend"),
            self.assertRaises(EmailDeliveryError) as caught,
        ):
            send_email.call(kind="tests.refused", params={"number": 1}, language="es")
        self.assertEqual(str(caught.exception), "tests.refused: SMTPRecipientsRefused")
        self.assertIsNone(caught.exception.__cause__)


class RefusingBackend:
    """An email backend whose server refuses the recipient, quoting the address."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: list[object]) -> int:
        import smtplib

        raise smtplib.SMTPRecipientsRefused(
            {"refused-recipient@example.org": (550, b"refused-recipient@example.org unknown")}
        )
