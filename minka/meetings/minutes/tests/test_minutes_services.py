"""The minutes services: the cycle, revisions only on change, conflicts, errata, observations."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.documents.tests.factories import DocumentFactory
from minka.meetings.minutes import services
from minka.meetings.minutes.content import Agreement, MinutesContent
from minka.meetings.minutes.models import Minutes, MinutesRevision, Observation
from minka.meetings.minutes.tests.factories import minutes_in, sample_content
from minka.meetings.tests.factories import AgendaItemFactory, MeetingFactory


class CreateTests(RoleTestCase):
    def test_coordinator_starts_minutes_prefilled_from_the_agenda(self) -> None:
        meeting = MeetingFactory.create()
        document = DocumentFactory.create(title="Informe")
        item = AgendaItemFactory.create(
            meeting=meeting, title="Banda ancha", presenter_organization=self.org_a
        )
        item.documents.add(document)
        minutes = services.minutes_create(actor=self.coord, meeting=meeting)
        self.assertEqual(minutes.status, Minutes.Status.DRAFT)
        revision = minutes.current_revision
        assert revision is not None
        self.assertEqual(revision.number, 1)
        content = MinutesContent.from_json(revision.content)
        self.assertEqual(content.presentations[0].title, "Banda ancha")
        self.assertEqual(content.presentations[0].organization, self.org_a.name)
        self.assertEqual(content.presentations[0].documents, [str(document.public_id)])
        self.assertTrue(AuditEntry.objects.filter(target_type="meetings.minutes").exists())

    def test_one_minutes_per_meeting(self) -> None:
        meeting = MeetingFactory.create()
        services.minutes_create(actor=self.coord, meeting=meeting)
        with self.assertRaises(ValidationError):
            services.minutes_create(actor=self.coord, meeting=meeting)

    def test_members_cannot_start_minutes(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.minutes_create(actor=self.mem_a, meeting=MeetingFactory.create())


class SaveTests(RoleTestCase):
    def setUp(self) -> None:
        self.minutes = minutes_in("draft", actor=self.coord)

    def test_a_save_without_changes_adds_no_revision(self) -> None:
        again = services.minutes_save(
            actor=self.coord, minutes=self.minutes, content=sample_content(), base_revision=2
        )
        self.assertIsNone(again)
        self.assertEqual(self.minutes.revisions.count(), 2)

    def test_a_save_with_changes_adds_a_revision_and_moves_the_pointer(self) -> None:
        content = sample_content()
        content.summary = "Otro resumen"
        revision = services.minutes_save(
            actor=self.coord, minutes=self.minutes, content=content, base_revision=2
        )
        assert revision is not None
        self.assertEqual(revision.number, 3)
        self.minutes.refresh_from_db()
        self.assertEqual(self.minutes.current_revision_id, revision.pk)

    def test_a_stale_base_is_refused_as_a_conflict(self) -> None:
        content = sample_content()
        content.summary = "Mi versión"
        with self.assertRaises(ValidationError) as caught:
            services.minutes_save(
                actor=self.coord, minutes=self.minutes, content=content, base_revision=1
            )
        self.assertEqual(caught.exception.code, services.CONFLICT)
        self.assertEqual(self.minutes.revisions.count(), 2)

    def test_agreement_keys_survive_edits_and_bad_keys_are_replaced(self) -> None:
        key = MinutesContent.from_json(self.minutes.current_revision.content).agreements[0].key  # type: ignore[union-attr]
        content = sample_content()
        content.agreements = [
            Agreement(text="Nuevo primero", key="<script>"),
            Agreement(text="Enviar el informe", key=key),
            Agreement(text="Repetido", key=key),
        ]
        revision = services.minutes_save(
            actor=self.coord, minutes=self.minutes, content=content, base_revision=2
        )
        assert revision is not None
        keys = [a.key for a in MinutesContent.from_json(revision.content).agreements]
        self.assertEqual(keys[1], key)
        self.assertEqual(len(set(keys)), 3)
        self.assertRegex(keys[0], r"^[0-9a-f]{12}$")

    def test_oversized_content_is_refused(self) -> None:
        content = sample_content()
        content.summary = "x" * 20_001
        with self.assertRaises(ValidationError):
            services.minutes_save(
                actor=self.coord, minutes=self.minutes, content=content, base_revision=2
            )

    def test_members_cannot_save(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.minutes_save(
                actor=self.mem_a, minutes=self.minutes, content=MinutesContent(), base_revision=2
            )

    def test_approved_minutes_are_locked(self) -> None:
        approved = minutes_in("approved", actor=self.coord)
        with self.assertRaises(ValidationError):
            services.minutes_save(
                actor=self.coord, minutes=approved, content=MinutesContent(), base_revision=2
            )


class CycleTests(RoleTestCase):
    def test_the_whole_cycle(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        deadline = timezone.now() + timedelta(days=3)
        services.minutes_open_review(actor=self.coord, minutes=minutes, deadline=deadline)
        minutes.refresh_from_db()
        self.assertEqual((minutes.status, minutes.shared_from), ("review", 2))
        services.minutes_approve(actor=self.coord, minutes=minutes)
        minutes.refresh_from_db()
        self.assertEqual(minutes.status, "approved")
        self.assertEqual(minutes.approved_by, self.coord)
        self.assertIsNotNone(minutes.approved_at)
        services.minutes_publish(actor=self.coord, minutes=minutes, visibility="members")
        minutes.refresh_from_db()
        self.assertEqual((minutes.status, minutes.visibility), ("published", "members"))
        self.assertIsNotNone(minutes.published_at)

    def test_no_step_can_be_skipped(self) -> None:
        draft = minutes_in("draft", actor=self.coord)
        with self.assertRaises(ValidationError):
            services.minutes_approve(actor=self.coord, minutes=draft)
        with self.assertRaises(ValidationError):
            services.minutes_publish(actor=self.coord, minutes=draft, visibility="public")
        with self.assertRaises(ValidationError):
            services.minutes_withdraw(actor=self.coord, minutes=draft)
        review = minutes_in("review", actor=self.coord)
        with self.assertRaises(ValidationError):
            services.minutes_publish(actor=self.coord, minutes=review, visibility="public")
        with self.assertRaises(ValidationError):
            services.minutes_open_review(
                actor=self.coord, minutes=review, deadline=timezone.now() + timedelta(days=1)
            )
        self.assertEqual(Minutes.objects.get(pk=draft.pk).status, "draft")

    def test_withdraw_returns_to_draft_and_keeps_shared_from(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        services.minutes_withdraw(actor=self.coord, minutes=minutes)
        minutes.refresh_from_db()
        self.assertEqual((minutes.status, minutes.shared_from), ("draft", 2))

    def test_a_deadline_in_the_past_is_refused(self) -> None:
        minutes = minutes_in("draft", actor=self.coord)
        with self.assertRaises(ValidationError):
            services.minutes_open_review(
                actor=self.coord, minutes=minutes, deadline=timezone.now() - timedelta(hours=1)
            )

    def test_publishing_for_coordinators_only_is_refused(self) -> None:
        minutes = minutes_in("approved", actor=self.coord)
        with self.assertRaises(ValidationError):
            services.minutes_publish(actor=self.coord, minutes=minutes, visibility="coordinators")

    def test_members_cannot_run_the_cycle(self) -> None:
        review = minutes_in("review", actor=self.coord)
        for service in (services.minutes_approve, services.minutes_withdraw):
            with self.assertRaises(PermissionDenied):
                service(actor=self.mem_a, minutes=review)


class ErratumTests(RoleTestCase):
    def test_an_erratum_needs_a_reason_and_a_change(self) -> None:
        minutes = minutes_in("published", actor=self.coord)
        content = sample_content()
        content.summary = "Resumen corregido"
        with self.assertRaises(ValidationError):
            services.minutes_erratum(
                actor=self.coord, minutes=minutes, content=content, reason="  ", base_revision=2
            )
        with self.assertRaises(ValidationError):
            services.minutes_erratum(
                actor=self.coord,
                minutes=minutes,
                content=sample_content(),
                reason="Nada",
                base_revision=2,
            )
        revision = services.minutes_erratum(
            actor=self.coord,
            minutes=minutes,
            content=content,
            reason="Fecha equivocada",
            base_revision=2,
        )
        self.assertEqual((revision.number, revision.kind), (3, MinutesRevision.Kind.ERRATUM))
        minutes.refresh_from_db()
        self.assertEqual(minutes.status, "published")

    def test_no_erratum_before_approval(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        with self.assertRaises(ValidationError):
            services.minutes_erratum(
                actor=self.coord,
                minutes=minutes,
                content=MinutesContent(summary="x"),
                reason="r",
                base_revision=2,
            )


class ObservationTests(RoleTestCase):
    def test_members_observe_while_the_review_is_open(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        observation = services.observation_add(
            actor=self.mem_b, minutes=minutes, section="agreements", text=" Falta un plazo "
        )
        self.assertEqual((observation.text, observation.revision_number), ("Falta un plazo", 2))

    def test_observations_are_refused_after_the_deadline_or_approval(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        Minutes.objects.filter(pk=minutes.pk).update(
            review_deadline=timezone.now() - timedelta(minutes=1)
        )
        minutes.refresh_from_db()
        with self.assertRaises(ValidationError):
            services.observation_add(actor=self.mem_a, minutes=minutes, section="summary", text="x")
        approved = minutes_in("approved", actor=self.coord)
        with self.assertRaises(ValidationError):
            services.observation_add(
                actor=self.mem_a, minutes=approved, section="summary", text="x"
            )
        self.assertEqual(Observation.objects.count(), 0)

    def test_registered_non_attendees_cannot_observe(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        with self.assertRaises(PermissionDenied):
            services.observation_add(actor=self.reg, minutes=minutes, section="summary", text="x")

    def test_bad_section_and_empty_or_long_text_are_refused(self) -> None:
        minutes = minutes_in("review", actor=self.coord)
        for section, text in (("nope", "x"), ("summary", "   "), ("summary", "x" * 4001)):
            with self.assertRaises(ValidationError):
                services.observation_add(
                    actor=self.mem_a, minutes=minutes, section=section, text=text
                )
