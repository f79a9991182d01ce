"""Erasure verified (SECURITY.md R8): cancellation leaves no personal data behind.

Unique canary strings are planted in every personal field of a person and of their account,
in their photo and consent evidence files, in an invitation, a membership, an affiliation, a
session, the admin's change log and their own request. The person files a cancellation, a
coordinator closes it as done; then the whole database (every model's rows and every table
read raw), the media files (a temporary ``MEDIA_ROOT``) and the audit log are searched.

The tombstone (what stays, on purpose, and holds no canary):
- the person's row: the neutral label "Anonymized person <8 hex>", status *anonymized*, the
  time of anonymization, the source (how the record was first made), consents all off;
- the affiliations (organization and dates, the title erased), so that history stays whole;
- the consent events, with the withdrawal events of the anonymization and no evidence file;
- the request records, with their kind, dates, status and the coordinator's answer (their
  free-text details erased);
- the account's row, deactivated, with an ``anonymized-<uuid>@invalid`` address, no name
  and no usable password (its id keeps the audit log's references whole);
- the audit log, which names people and accounts only by id.
"""

from __future__ import annotations

import uuid

from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase, use_temporary_media
from minka.directory import services
from minka.directory.models import (
    Affiliation,
    ConsentEvent,
    ConsentPurpose,
    DataRequest,
    Membership,
    Person,
)

TAG = uuid.uuid4().hex[:12]
DIGITS = str(uuid.uuid4().int)[:9]
CANARIES = {
    "login_email": f"canary-login-{TAG}@example.org",
    "account_name": f"Canary Account {TAG}",
    "full_name": f"Canary Person {TAG}",
    "contact_email": f"canary-contact-{TAG}@example.org",
    "phone": f"+51 {DIGITS}",
    "telegram": f"canary_tg_{TAG}",
    "bio": f"Canary bio {TAG}",
    "photo_name": f"canary-photo-{TAG}",
    "photo_content": f"canary-photo-bytes-{TAG}",
    "evidence_content": f"canary-evidence-bytes-{TAG}",
    "evidence_name": f"canary-evidence-{TAG}",
    "membership_title": f"Canary membership title {TAG}",
    "affiliation_title": f"Canary affiliation title {TAG}",
    "invitation_title": f"Canary invitation title {TAG}",
    "user_agent": f"CanaryBrowser/{TAG}",
    "request_details": f"Canary details {TAG}",
    "source_detail": f"Canary source {TAG}",
}
ANSWER = "Your data were erased, as you asked."


def _hits(text: str) -> list[str]:
    lowered = text.lower()
    return [name for name, canary in CANARIES.items() if canary.lower() in lowered]


@override_settings(LANGUAGE_CODE="en")
class ErasureTests(RoleTestCase):
    """A cancellation closed as done leaves 0 canaries in the database, media and audit log."""

    def setUp(self) -> None:
        self.media = use_temporary_media(self, prefix="minka-erasure-")

    def _plant(self) -> tuple[User, Person]:
        user = UserFactory.create(email=CANARIES["login_email"], full_name=CANARIES["account_name"])
        Membership.objects.create(
            user=user, organization=self.org_a, title=CANARIES["membership_title"]
        )
        person = services.person_for_user(user=user)
        Affiliation.objects.filter(person=person).update(title=CANARIES["affiliation_title"])
        Person.objects.filter(pk=person.pk).update(source_detail=CANARIES["source_detail"])
        person.refresh_from_db()
        services.person_update(
            actor=user,
            person=person,
            data={
                "full_name": CANARIES["full_name"],
                "email": CANARIES["contact_email"],
                "phone": CANARIES["phone"],
                "telegram": CANARIES["telegram"],
                "bio": CANARIES["bio"],
            },
        )
        # A photo kept under its uploaded name (as older uploads may be).
        person.photo.save(
            f"{CANARIES['photo_name']}.png", ContentFile(CANARIES["photo_content"].encode())
        )
        services.person_set_consents(
            actor=user,
            person=person,
            choices={ConsentPurpose.MEMBERS_LISTING: True, ConsentPurpose.PHOTO: True},
        )
        services.person_set_consents(
            actor=self.coord,
            person=person,
            choices={ConsentPurpose.EMAIL: True},
            channel=ConsentEvent.Channel.PAPER,
            evidence=SimpleUploadedFile(
                f"{CANARIES['evidence_name']}.pdf", CANARIES["evidence_content"].encode()
            ),
        )
        services.invitation_create(
            actor=self.coord,
            email=CANARIES["login_email"],
            organization=self.org_b,
            title=CANARIES["invitation_title"],
        )
        UserSession.objects.create(
            user=user, ip="192.0.2.7", session_key=f"s{TAG}", user_agent=CANARIES["user_agent"]
        )
        # A coordinator changed the person and the account in the admin.
        LogEntry.objects.log_actions(
            user_id=self.coord.pk, queryset=Person.objects.filter(pk=person.pk), action_flag=CHANGE
        )
        LogEntry.objects.log_actions(
            user_id=self.coord.pk, queryset=User.objects.filter(pk=user.pk), action_flag=CHANGE
        )
        return user, person

    def _search_database(self) -> tuple[list[str], int]:
        """Every model's rows and every table read raw; return the hits and rows searched."""
        hits: list[str] = []
        rows = 0
        for model in apps.get_models(include_auto_created=True):
            for row in model._base_manager.values():
                rows += 1
                hits += [f"{model._meta.label}: {name}" for name in _hits(str(row))]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from the schema
                for raw in cursor.fetchall():
                    rows += 1
                    text = " ".join(
                        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                        for value in raw
                    )
                    hits += [f"table {table}: {name}" for name in _hits(text)]
        return hits, rows

    def _search_media(self) -> tuple[list[str], int]:
        hits: list[str] = []
        files = [path for path in self.media.rglob("*") if path.is_file()]
        for path in files:
            text = f"{path.relative_to(self.media)}\n" + path.read_bytes().decode(
                "utf-8", "replace"
            )
            hits += [f"media {path.name}: {name}" for name in _hits(text)]
        return hits, len(files)

    def _erase_through_the_views(self, user: User) -> DataRequest:
        client = self.client
        client.force_login(user)
        response = client.post(
            reverse("directory:mydata-request"),
            {"kind": DataRequest.Kind.CANCELLATION, "details": CANARIES["request_details"]},
        )
        self.assertEqual(response.status_code, 302)
        data_request = DataRequest.objects.get(person__user=user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("coord").post(
                reverse("directory:datarequest-detail", args=[data_request.public_id]),
                {"status": DataRequest.Status.DONE, "answer": ANSWER},
            )
        self.assertEqual(response.status_code, 302)
        return data_request

    def test_the_planted_canaries_are_found_before_erasure(self) -> None:
        """Positive control: the search finds every canary while the person exists.

        Only the evidence's uploaded file name is never stored (the file is renamed).
        """
        user, person = self._plant()
        services.data_request_create(
            actor=user,
            person=person,
            kind=DataRequest.Kind.CANCELLATION,
            details=CANARIES["request_details"],
        )
        db_hits, _rows = self._search_database()
        media_hits, files = self._search_media()
        found = {hit.rsplit(": ", 1)[1] for hit in db_hits + media_hits}
        self.assertEqual(found, set(CANARIES) - {"evidence_name"})
        self.assertEqual(files, 2)

    def test_cancellation_leaves_no_canary_in_database_media_or_audit_log(self) -> None:
        """0 hits in every table, every media file and the audit log after erasure."""
        self.assertNotIn(TAG, ANSWER)
        user, _person = self._plant()
        self._erase_through_the_views(user)
        db_hits, rows = self._search_database()
        media_hits, files = self._search_media()
        audit_hits = [name for entry in AuditEntry.objects.values() for name in _hits(str(entry))]
        self.assertEqual(db_hits, [])
        self.assertEqual(media_hits, [])
        self.assertEqual(audit_hits, [])
        tables = len(connection.introspection.table_names())
        print(  # noqa: T201
            f"erasure: {len(CANARIES)} canaries, {rows} rows over {tables} tables and "
            f"{len(apps.get_models(include_auto_created=True))} models, {files} media files, "
            f"{AuditEntry.objects.count()} audit entries searched: "
            f"{len(db_hits) + len(media_hits) + len(audit_hits)} hits"
        )

    def test_the_tombstone_keeps_the_label_withdrawals_and_the_answered_request(self) -> None:
        """What stays is exactly the documented tombstone."""
        user, person = self._plant()
        data_request = self._erase_through_the_views(user)
        person.refresh_from_db()
        self.assertEqual(person.full_name, f"Anonymized person {str(person.public_id)[:8]}")
        self.assertEqual(person.status, Person.Status.ANONYMIZED)
        self.assertIsNotNone(person.anonymized_at)
        self.assertIsNone(person.user)
        for field in Person.PERSONAL_FIELDS[1:]:
            self.assertFalse(getattr(person, field), field)
        self.assertEqual(person.source_detail, "")
        self.assertFalse(any(person.has_consent(p) for p in ConsentPurpose.values))
        # Consent record: every purpose once granted now ends in a withdrawal; no evidence.
        events = ConsentEvent.objects.filter(person=person)
        self.assertFalse(events.exclude(evidence="").exists())
        for purpose in (ConsentPurpose.MEMBERS_LISTING, ConsentPurpose.PHOTO, ConsentPurpose.EMAIL):
            latest = events.filter(purpose=purpose).order_by("-created_at", "-pk").first()
            assert latest is not None
            self.assertIs(latest.granted, False)
        # The request, answered.
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, DataRequest.Status.DONE)
        self.assertEqual(data_request.answer, ANSWER)
        self.assertEqual(data_request.details, "")
        self.assertEqual(data_request.handled_by, self.coord)
        # History stays whole: the affiliation, without its title.
        self.assertEqual(
            list(Affiliation.objects.filter(person=person).values_list("organization", "title")),
            [(self.org_a.pk, "")],
        )
        # The account: deactivated, no name, anonymized address, no password.
        user.refresh_from_db()
        self.assertIs(user.is_active, False)
        self.assertEqual(user.full_name, "")
        self.assertEqual(user.email, f"anonymized-{user.public_id}@invalid")
        self.assertIs(user.has_usable_password(), False)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.DELETE,
                target_type="directory.person",
                target_id=str(person.pk),
                actor=self.coord,
            ).exists()
        )

    def test_the_person_is_told_the_answer_at_the_address_erased(self) -> None:
        """The answer is emailed after commit, to the address read before erasure."""
        from django.core import mail

        user, _person = self._plant()
        mail.outbox.clear()
        self._erase_through_the_views(user)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [CANARIES["login_email"]])
        self.assertIn(ANSWER, mail.outbox[0].body)
        self.assertNotIn(CANARIES["full_name"], mail.outbox[0].body)


@override_settings(LANGUAGE_CODE="en")
class PendingPersonErasureTests(RoleTestCase):
    """A person added by a coordinator, never signed up, invited by email, then erased."""

    def test_cancellation_by_a_coordinator_leaves_no_canary(self) -> None:
        name, email = f"Canary Pending {TAG}", f"canary-pending-{TAG}@example.org"
        detail = f"Canary attendance list {TAG}"
        person = services.person_create(
            actor=self.coord,
            data={"full_name": name, "email": email},
            source=Person.Source.ATTENDANCE,
            source_detail=detail,
            organization=self.org_a,
            title=f"Canary pending title {TAG}",
        )
        services.invitation_create(
            actor=self.coord, email=email, organization=self.org_a, person=person
        )
        data_request = services.data_request_create(
            actor=self.coord, person=person, kind=DataRequest.Kind.CANCELLATION
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("coord").post(
                reverse("directory:datarequest-detail", args=[data_request.public_id]),
                {"status": DataRequest.Status.DONE, "answer": ANSWER},
            )
        hits = [
            f"{model._meta.label}: {row}"
            for model in apps.get_models(include_auto_created=True)
            for row in model._base_manager.values()
            if TAG.lower() in str(row).lower()
        ]
        self.assertEqual(hits, [])
        person.refresh_from_db()
        self.assertEqual(person.status, Person.Status.ANONYMIZED)
        self.assertIsNotNone(person.invitations.get().revoked_at)
