"""The "Mis datos" export covers every model that points to a person or an account (R6)."""

from __future__ import annotations

import csv
import io
import json

from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import override_settings
from django.urls import reverse

from minka.agreements.models import CommitmentUpdate
from minka.agreements.tests.factories import CommitmentFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase, add_totp
from minka.directory import portability, services
from minka.directory.models import ConsentEvent, ConsentPurpose, DataRequest, Person
from minka.documents.tests.factories import DocumentFactory, add_version
from minka.meetings.models import (
    Attendance,
    CalendarFeed,
    Invitee,
    Minutes,
    MinutesRevision,
    Observation,
)
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory

# Models that point to a person or an account but are deliberately not in the export,
# each with the reason. A new model pointing to a person fails the test until it is either
# exported (portability.EXPORTED_MODELS) or listed here with a reason.
EXCLUDED: dict[str, str] = {
    # The admin's own change log: what staff did through the admin, to other people's
    # records. Every such change is also in the audit log (core.AuditEntry), which is
    # exported (the person's own actions).
    "admin.LogEntry": "staff actions, mirrored in the exported audit log",
    # Only the hash of a one-time Telegram link token valid for minutes: a secret, not data
    # about the person; the link it makes is exported as the Telegram account.
    "notifications.TelegramLinkToken": "hash of a short-lived one-time secret",
}
# Not pointing to anyone by a foreign key, so not found by the walk, and not exported:
# django.contrib.sessions' Session (a signed blob with the account id; the sessions the
# person may see are exported from usersessions.UserSession); the task queue's results
# (django_tasks_db), which hold queued emails until they are pruned.


def _models_pointing_to_a_person() -> dict[str, list[str]]:
    """``{"app.Model": [field, ...]}`` for every relation to Person or to the user model."""
    targets = {Person, get_user_model()}
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey | models.OneToOneField | models.ManyToManyField)
                and field.related_model in targets
            ):
                found.setdefault(model._meta.label, []).append(field.name)
    return found


class ExportCoverageTests(RoleTestCase):
    """Introspection: no model pointing to a person is missing from the export."""

    def test_every_model_pointing_to_a_person_is_exported_or_excluded_with_a_reason(self) -> None:
        pointing = _models_pointing_to_a_person()
        exported = set(portability.EXPORTED_MODELS.values())
        missing = sorted(set(pointing) - exported - set(EXCLUDED))
        self.assertEqual(missing, [], f"models pointing to a person, not exported: {missing}")
        self.assertIn("directory.Person", pointing)
        print(  # noqa: T201
            f"portability: {len(pointing)} models point to a person or an account; "
            f"{len(exported & set(pointing))} exported, {len(EXCLUDED)} excluded with a reason"
        )

    def test_the_lists_name_real_models(self) -> None:
        for label in [*portability.EXPORTED_MODELS.values(), *EXCLUDED]:
            apps.get_model(label)
        self.assertEqual(set(EXCLUDED) & set(portability.EXPORTED_MODELS.values()), set())


@override_settings(LANGUAGE_CODE="en")
class ExportContentTests(RoleTestCase):
    """Every section is filled from its model; every personal field is present."""

    def setUp(self) -> None:
        self.user = self.mem_a
        self.person = services.person_for_user(user=self.user)
        services.person_update(
            actor=self.user,
            person=self.person,
            data={
                "phone": "+51 999 111 222",
                "telegram": "export_tg",
                "bio": "=HYPERLINK(bio)",
                "email": "contact-export@example.org",
            },
        )
        self.person.photo.save("export.png", ContentFile(b"x"), save=True)
        services.person_set_consents(
            actor=self.user, person=self.person, choices={ConsentPurpose.EMAIL: True}
        )
        services.person_set_consents(
            actor=self.coord,
            person=self.person,
            choices={ConsentPurpose.PHONE: True},
            channel=ConsentEvent.Channel.PAPER,
            evidence=SimpleUploadedFile("form.pdf", b"%PDF"),
        )
        services.data_request_create(
            actor=self.user, person=self.person, kind=DataRequest.Kind.ACCESS, details="All."
        )
        services.invitation_create(actor=self.coord, email=self.user.email, organization=self.org_b)
        UserSession.objects.create(
            user=self.user, ip="192.0.2.1", session_key="export-session", user_agent="UA"
        )
        add_totp(self.user)
        document = DocumentFactory.create(title="Documento exportado", uploaded_by=self.user)
        document.people.add(self.person)
        add_version(document, uploaded_by=self.user, name="exportado.txt")
        self._application_records()
        self._meeting_records()
        self._agreement_records()
        self._notification_records()
        self._date_poll_records()
        self._proposal_records()
        self._consultation_records()
        self.addCleanup(self._delete_files)

    def _proposal_records(self) -> None:
        from minka.participation.proposals.models import Proposal, ProposalComment, Support

        proposal = Proposal.objects.create(
            title="Propuesta exportada", description="x", proposer=self.user, decided_by=self.user
        )
        Support.objects.create(proposal=proposal, user=self.user)
        ProposalComment.objects.create(
            proposal=proposal, author=self.user, body="Comentario", hidden_by=self.user
        )

    def _consultation_records(self) -> None:
        from minka.participation.consultations.tests.factories import (
            CommentFactory,
            ConsultationFactory,
            ReportFactory,
        )

        consultation = ConsultationFactory.create(created_by=self.user)
        comment = CommentFactory.create(
            consultation=consultation, author=self.user, hidden_at=self.user.date_joined
        )
        comment.hidden_by = self.user
        comment.save()
        ReportFactory.create(comment=comment, reporter=self.user, resolved_by=self.user)

    def _notification_records(self) -> None:
        from minka.notifications.models import Follow, Message, Preference, TelegramAccount

        Preference.objects.create(user=self.user, kind="k", channel="email", frequency="never")
        Follow.objects.create(user=self.user, target_type="directory.organization", target_id=1)
        TelegramAccount.objects.create(user=self.user, chat_id=4242, username="export_tg")
        Message.objects.create(
            user=self.user, kind="k", channel="email", language="es", key="export|1"
        )

    def _date_poll_records(self) -> None:
        from minka.participation.polls.models import Answer, DateAnswer
        from minka.participation.polls.tests.factories import DatePollFactory

        poll = DatePollFactory.create(title="Encuesta exportada", created_by=self.user)
        for option in poll.options.all():
            DateAnswer.objects.create(option=option, user=self.user, answer=Answer.MAYBE)

    def _agreement_records(self) -> None:
        commitment = CommitmentFactory.create(title="Compromiso exportado", created_by=self.user)
        commitment.responsible_people.add(self.person)
        CommitmentUpdate.objects.create(
            commitment=commitment,
            author=self.user,
            text="Avance exportado",
            reviewed_by=self.user,
            review=CommitmentUpdate.Review.VALIDATED,
        )

    def _meeting_records(self) -> None:
        meeting = MeetingFactory.create(created_by=self.user)
        Invitee.objects.create(meeting=meeting, person=self.person)
        Attendance.objects.create(
            meeting=meeting, person=self.person, source=Attendance.Source.CHECK_IN
        )
        AgendaItemFactory.create(meeting=meeting, presenter=self.person)
        minutes = Minutes.objects.create(meeting=meeting, approved_by=self.user)
        MinutesRevision.objects.create(minutes=minutes, number=1, content={}, author=self.user)
        Observation.objects.create(
            minutes=minutes,
            section="summary",
            text="Observación",
            author=self.user,
            revision_number=1,
        )
        CalendarFeed.objects.create(user=self.user, token_hash="0" * 64)

    def _application_records(self) -> None:
        from minka.participation.applications.tests.factories import verified

        verified(email=self.user.email)
        verified(status="rejected", reviewed_by=self.user, decision_message="Exportado")

    def _delete_files(self) -> None:
        self.person.refresh_from_db()
        self.person.photo.delete(save=False)
        for event in ConsentEvent.objects.exclude(evidence=""):
            event.evidence.delete(save=False)

    def test_every_section_holds_the_rows_of_its_model(self) -> None:
        data = portability.person_export_data(self.person)
        self.assertNotIn("0" * 64, portability.export_json(data))  # never the feed's hash
        self.assertEqual(set(data), set(portability.EXPORTED_MODELS))
        for section, content in data.items():
            self.assertTrue(content, f"section {section} is empty")

    def test_every_personal_field_of_person_and_account_is_in_the_json(self) -> None:
        response = self.as_("mem_a").get(reverse("directory:mydata-export-json"))
        data = json.loads(response.content)
        self.person.refresh_from_db()
        for field in Person.PERSONAL_FIELDS:
            value = getattr(self.person, field)
            expected = value.name if field == "photo" else value
            self.assertTrue(expected, field)
            self.assertEqual(data["person"][field], expected, field)
        for purpose in ConsentPurpose.values:
            self.assertIn(Person.consent_field(purpose), data["person"])
        for field in ("status", "source", "public_id", "created_at"):
            self.assertIn(field, data["person"])
        user_fields = {
            f.name
            for f in get_user_model()._meta.concrete_fields
            if f.name
            not in {"id", "password", "is_staff", "is_superuser", "is_demo", "role_granted_by"}
        }
        self.assertEqual(user_fields - set(data["account"]), set())
        self.assertNotIn("password", data["account"])
        self.assertEqual(data["account"]["email"], self.user.email)
        self.assertEqual(data["memberships"][0]["organization__name"], self.org_a.name)
        self.assertEqual(data["invitations"][0]["organization"], self.org_b.name)
        self.assertEqual(data["data_requests"][0]["details"], "All.")
        self.assertEqual(
            [e["purpose"] for e in data["consent_events"]],
            [ConsentPurpose.EMAIL, ConsentPurpose.PHONE],
        )
        self.assertEqual([e["recorded_by_self"] for e in data["consent_events"]], [True, False])
        self.assertTrue(data["consent_events"][1]["evidence"])
        self.assertIn("target_type", data["audit_log"][0])
        # Secrets stay out: no session key, no second-factor data, no password hash.
        text = response.content.decode()
        self.assertNotIn("export-session", text)
        self.assertNotIn(self.user.password, text)

    def test_the_downloads_are_attachments_not_cached_and_audited(self) -> None:
        for name, ctype in (
            ("directory:mydata-export-json", "application/json"),
            ("directory:mydata-export-csv", "text/csv"),
        ):
            before = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
            response = self.as_("mem_a").get(reverse(name))
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response["Content-Type"].startswith(ctype))
            self.assertIn("attachment;", response["Content-Disposition"])
            self.assertIn("no-store", response["Cache-Control"])
            entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).first()
            assert entry is not None
            self.assertEqual(AuditEntry.objects.filter(action="export").count(), before + 1)
            self.assertEqual(entry.actor, self.user)
            self.assertEqual(entry.target_id, str(self.person.pk))

    def test_the_csv_parses_back_into_section_field_value_rows(self) -> None:
        response = self.as_("mem_a").get(reverse("directory:mydata-export-csv"))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(rows[0], ["section", "field", "value"])
        self.assertTrue(all(len(row) == 3 for row in rows))
        values = {(s, f): v for s, f, v in rows[1:]}
        self.assertEqual(values[("person", "telegram")], "export_tg")
        self.assertEqual(values[("account", "email")], self.user.email)
        self.assertEqual(values[("consent_events.1", "granted")], "true")
        # A value that a spreadsheet would run as a formula is quoted as text.
        self.assertEqual(values[("person", "bio")], "'=HYPERLINK(bio)")
        sections = {s.split(".")[0] for s, _f, _v in rows[1:]}
        self.assertEqual(sections, set(portability.EXPORTED_MODELS))

    def test_the_export_costs_a_fixed_number_of_queries(self) -> None:
        """Same count with one row per section and with several (8 for the meetings)."""
        client = self.as_("mem_a")
        url = reverse("directory:mydata-export-json")
        client.get(url)  # warm the session
        # 34, 2 for date polls (answers, polls opened), 3 for agenda proposals
        # (proposals, supports, comments), 2 for membership applications (sent, decided),
        # 5 for consultations.
        with self.assertNumQueries(46) as first:
            client.get(url)
        services.data_request_create(
            actor=self.user, person=self.person, kind=DataRequest.Kind.OPPOSITION
        )
        services.person_set_consents(
            actor=self.user, person=self.person, choices={ConsentPurpose.PHOTO: True}
        )
        add_version(DocumentFactory.create(uploaded_by=self.user), uploaded_by=self.user)
        with self.assertNumQueries(len(first.captured_queries)):
            client.get(url)
