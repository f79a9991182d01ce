"""The consultations' services: who may do what, the rules of the period, the sections, the
visibility of the document, moderation, reports (once per person and comment, even at the
same moment) and the response; every refusal saves nothing."""

from __future__ import annotations

import threading
import unittest
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from minka.accounts.tests.factories import UserFactory
from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.documents.tests.factories import DocumentFactory
from minka.notifications.kinds import RenderContext
from minka.notifications.models import Message
from minka.notifications.schedule import outbox_plan
from minka.notifications.tests.helpers import consent_to_news
from minka.participation.consultations import notifications, services
from minka.participation.consultations.models import (
    CommentReport,
    Consultation,
    ConsultationComment,
)
from minka.participation.consultations.tests.factories import (
    CommentFactory,
    ConsultationFactory,
    SectionFactory,
    closed,
    upcoming,
)


def _data(document: Any, **fields: Any) -> services.ConsultationData:
    now = timezone.now()
    data: dict[str, Any] = {
        "document": document,
        "title": "Propuesta sobre la Política de Transformación Digital",
        "description": "Comente el **borrador**.",
        "visibility": Visibility.PUBLIC,
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=14),
        "sections": "1. Alcance\n2. Definiciones\n\nConclusiones",
    }
    data.update(fields)
    return data  # type: ignore[return-value]


@override_settings(LANGUAGE_CODE="en")
class ConsultationCreateTests(RoleTestCase):
    def setUp(self) -> None:
        self.document = DocumentFactory.create(title="Borrador de posición")

    def test_a_coordinator_opens_a_document_with_numbered_sections(self) -> None:
        consultation = services.consultation_create(actor=self.coord, data=_data(self.document))
        sections = list(consultation.sections.values_list("number", "title"))
        self.assertEqual(sections, [(1, "Alcance"), (2, "Definiciones"), (3, "Conclusiones")])
        self.assertEqual(consultation.created_by, self.coord)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, target_id=str(consultation.pk)
            ).exists()
        )

    def test_a_member_cannot_open_a_consultation(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.consultation_create(actor=self.mem_a, data=_data(self.document))
        self.assertFalse(Consultation.objects.exists())

    def test_a_public_consultation_on_a_members_only_document_is_refused(self) -> None:
        document = DocumentFactory.create(visibility=Visibility.MEMBERS)
        with self.assertRaisesMessage(ValidationError, "cannot be wider than its document"):
            services.consultation_create(actor=self.coord, data=_data(document))
        self.assertFalse(Consultation.objects.exists())
        members = services.consultation_create(
            actor=self.coord, data=_data(document, visibility=Visibility.MEMBERS)
        )
        self.assertEqual(members.visibility, Visibility.MEMBERS)

    def test_a_members_consultation_on_a_coordinators_document_is_refused(self) -> None:
        document = DocumentFactory.create(visibility=Visibility.COORDINATORS)
        with self.assertRaisesMessage(ValidationError, "cannot be wider than its document"):
            services.consultation_create(
                actor=self.coord, data=_data(document, visibility=Visibility.MEMBERS)
            )

    def test_a_coordinators_only_consultation_does_not_exist(self) -> None:
        with self.assertRaisesMessage(ValidationError, "public or for members"):
            services.consultation_create(
                actor=self.coord, data=_data(self.document, visibility=Visibility.COORDINATORS)
            )

    def test_it_must_close_after_it_opens(self) -> None:
        now = timezone.now()
        with self.assertRaisesMessage(ValidationError, "close after it opens"):
            services.consultation_create(
                actor=self.coord, data=_data(self.document, opens_at=now, closes_at=now)
            )

    def test_a_section_number_twice_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "Section 2 appears twice"):
            services.consultation_create(
                actor=self.coord, data=_data(self.document, sections="1. A\n2. B\n2. C")
            )
        self.assertFalse(Consultation.objects.exists())

    def test_an_open_consultation_is_announced_once_to_members_and_topic_followers(self) -> None:
        consent_to_news(self.reg, self.mem_a, self.mem_b, self.coord, self.admin)
        consultation = services.consultation_create(actor=self.coord, data=_data(self.document))
        recipients = set(
            Message.objects.filter(kind=notifications.OPENED, channel="email").values_list(
                "user__email", flat=True
            )
        )
        self.assertEqual(
            recipients, {u.email for u in (self.mem_a, self.mem_b, self.coord, self.admin)}
        )
        notifications.consultation_opened(consultation)
        outbox_plan()
        self.assertEqual(Message.objects.filter(kind=notifications.OPENED).count(), 4)

    def test_an_upcoming_consultation_is_announced_when_it_opens(self) -> None:
        consent_to_news(self.mem_a)
        now = timezone.now()
        services.consultation_create(
            actor=self.coord,
            data=_data(
                self.document, opens_at=now + timedelta(hours=2), closes_at=now + timedelta(days=9)
            ),
        )
        self.assertFalse(Message.objects.filter(kind=notifications.OPENED).exists())
        outbox_plan(now + timedelta(hours=3))
        self.assertTrue(Message.objects.filter(kind=notifications.OPENED, user=self.mem_a).exists())

    def test_two_days_before_the_close_those_who_did_not_comment_are_reminded_once(
        self,
    ) -> None:
        consent_to_news(self.mem_a, self.mem_b)
        now = timezone.now()
        consultation = services.consultation_create(
            actor=self.coord,
            data=_data(
                self.document, opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=4)
            ),
        )
        services.comment_create(actor=self.mem_a, consultation=consultation, body="Ya opiné")
        outbox_plan(now)
        self.assertFalse(Message.objects.filter(kind=notifications.CLOSING).exists())
        later = now + timedelta(days=3)
        outbox_plan(later)
        outbox_plan(later + timedelta(minutes=1))
        reminded = Message.objects.filter(kind=notifications.CLOSING, channel="email")
        self.assertEqual(list(reminded.values_list("user", flat=True)), [self.mem_b.pk])
        notice = notifications.render_closing(
            reminded.get().params, RenderContext(user=self.mem_b, channel="email")
        )
        assert notice is not None
        self.assertIn("still time to comment", notice.text)


@override_settings(LANGUAGE_CODE="en")
class ConsultationUpdateTests(RoleTestCase):
    def test_a_section_with_comments_cannot_be_removed(self) -> None:
        consultation = ConsultationFactory.create()
        first = SectionFactory.create(consultation=consultation, number=1, title="Alcance")
        SectionFactory.create(consultation=consultation, number=2, title="Definiciones")
        CommentFactory.create(consultation=consultation, section=first, author=self.reg)
        with self.assertRaisesMessage(ValidationError, "Section 1 has comments"):
            services.consultation_update(
                actor=self.coord, consultation=consultation, data={"sections": "2. Definiciones"}
            )
        self.assertEqual(consultation.sections.count(), 2)
        services.consultation_update(
            actor=self.coord,
            consultation=consultation,
            data={"sections": "1. Ámbito\n3. Nuevo", "title": "Otro título"},
        )
        self.assertEqual(
            list(consultation.sections.values_list("number", "title")),
            [(1, "Ámbito"), (3, "Nuevo")],
        )
        consultation.refresh_from_db()
        self.assertEqual(consultation.title, "Otro título")


@override_settings(LANGUAGE_CODE="en")
class CommentTests(RoleTestCase):
    def test_a_registered_user_comments_on_a_section_of_a_public_consultation(self) -> None:
        consultation = ConsultationFactory.create()
        section = SectionFactory.create(consultation=consultation, number=1)
        comment = services.comment_create(
            actor=self.reg, consultation=consultation, section=section, body="  Bien.  "
        )
        self.assertEqual(
            (comment.body, comment.section, comment.author), ("Bien.", section, self.reg)
        )

    def test_a_registered_user_cannot_comment_on_a_members_consultation(self) -> None:
        consultation = ConsultationFactory.create(visibility=Visibility.MEMBERS)
        with self.assertRaises(PermissionDenied):
            services.comment_create(actor=self.reg, consultation=consultation, body="Hola")
        services.comment_create(actor=self.mem_b, consultation=consultation, body="Hola")
        self.assertEqual(consultation.comments.count(), 1)

    def test_comments_are_received_only_while_open(self) -> None:
        with self.assertRaisesMessage(ValidationError, "not open yet"):
            services.comment_create(actor=self.reg, consultation=upcoming(), body="Pronto")
        with self.assertRaisesMessage(ValidationError, "is closed"):
            services.comment_create(actor=self.reg, consultation=closed(), body="Tarde")
        self.assertFalse(ConsultationComment.objects.exists())

    def test_a_section_of_another_consultation_is_refused(self) -> None:
        consultation = ConsultationFactory.create()
        other = SectionFactory.create()
        with self.assertRaisesMessage(ValidationError, "this consultation's sections"):
            services.comment_create(
                actor=self.reg, consultation=consultation, section=other, body="Hola"
            )

    def test_an_empty_or_too_long_comment_is_refused(self) -> None:
        consultation = ConsultationFactory.create()
        with self.assertRaisesMessage(ValidationError, "Write your comment"):
            services.comment_create(actor=self.reg, consultation=consultation, body="   ")
        with self.assertRaises(ValidationError):
            services.comment_create(actor=self.reg, consultation=consultation, body="x" * 4001)
        self.assertFalse(ConsultationComment.objects.exists())


@override_settings(LANGUAGE_CODE="en")
class ModerationTests(RoleTestCase):
    def setUp(self) -> None:
        self.consultation = ConsultationFactory.create()
        self.comment = CommentFactory.create(consultation=self.consultation, author=self.reg)

    def test_a_coordinator_hides_a_comment_with_a_reason_and_its_author_is_told(self) -> None:
        report = CommentReport.objects.create(
            comment=self.comment, reporter=self.mem_a, reason="Insulto"
        )
        services.comment_hide(actor=self.coord, comment=self.comment, reason="Lenguaje ofensivo")
        self.comment.refresh_from_db()
        self.assertTrue(self.comment.is_hidden)
        self.assertEqual(self.comment.hidden_reason, "Lenguaje ofensivo")
        report.refresh_from_db()
        self.assertIsNotNone(report.resolved_at)
        # Transactional: sent without consent to news.
        message = Message.objects.get(kind=notifications.COMMENT_HIDDEN, channel="email")
        self.assertEqual(message.user, self.reg)
        notice = notifications.render_comment_hidden(
            message.params, RenderContext(user=self.reg, channel="email")
        )
        assert notice is not None
        self.assertIn("Lenguaje ofensivo", notice.text)
        services.comment_unhide(actor=self.coord, comment=self.comment)
        self.comment.refresh_from_db()
        self.assertFalse(self.comment.is_hidden)
        # Shown again: the message has nothing to say any more.
        self.assertIsNone(
            notifications.render_comment_hidden(
                message.params, RenderContext(user=self.reg, channel="email")
            )
        )

    def test_a_member_cannot_moderate(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.comment_hide(actor=self.mem_a, comment=self.comment, reason="No")
        self.comment.refresh_from_db()
        self.assertFalse(self.comment.is_hidden)

    def test_hiding_needs_a_reason(self) -> None:
        with self.assertRaisesMessage(ValidationError, "Say why"):
            services.comment_hide(actor=self.coord, comment=self.comment, reason=" ")

    def test_a_comment_is_reported_once_per_person(self) -> None:
        services.report_create(actor=self.mem_a, comment=self.comment, reason="Spam")
        with self.assertRaisesMessage(ValidationError, "already reported"):
            services.report_create(actor=self.mem_a, comment=self.comment, reason="Spam")
        services.report_create(actor=self.mem_b, comment=self.comment, reason="Spam")
        self.assertEqual(CommentReport.objects.count(), 2)

    def test_the_database_refuses_a_second_report_by_the_same_person(self) -> None:
        CommentReport.objects.create(comment=self.comment, reporter=self.mem_a, reason="A")
        with self.assertRaises(IntegrityError), transaction.atomic():
            CommentReport.objects.create(comment=self.comment, reporter=self.mem_a, reason="B")

    def test_its_author_cannot_report_it_nor_anyone_a_hidden_one(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.report_create(actor=self.reg, comment=self.comment, reason="Yo")
        services.comment_hide(actor=self.coord, comment=self.comment, reason="Fuera de tema")
        self.comment.refresh_from_db()
        with self.assertRaises(PermissionDenied):
            services.report_create(actor=self.mem_a, comment=self.comment, reason="Spam")
        self.assertFalse(CommentReport.objects.exists())

    def test_a_coordinator_resolves_a_report_once(self) -> None:
        report = services.report_create(actor=self.mem_a, comment=self.comment, reason="Spam")
        services.report_resolve(actor=self.coord, report=report)
        report.refresh_from_db()
        self.assertEqual(report.resolved_by, self.coord)
        with self.assertRaisesMessage(ValidationError, "already resolved"):
            services.report_resolve(actor=self.coord, report=report)
        with self.assertRaises(PermissionDenied):
            services.report_resolve(actor=self.mem_b, report=report)


@override_settings(LANGUAGE_CODE="en")
class ResponseTests(RoleTestCase):
    def test_the_response_is_published_after_the_close_and_sent_to_commenters(self) -> None:
        consultation = ConsultationFactory.create()
        CommentFactory.create(consultation=consultation, author=self.reg)
        CommentFactory.create(consultation=consultation, author=self.reg)
        CommentFactory.create(consultation=consultation, author=self.mem_a)
        consent_to_news(self.reg, self.mem_a, self.mem_b)
        with self.assertRaisesMessage(ValidationError, "once the consultation has closed"):
            services.response_publish(actor=self.coord, consultation=consultation, response="Ok")
        Consultation.objects.filter(pk=consultation.pk).update(
            closes_at=timezone.now() - timedelta(minutes=1)
        )
        consultation.refresh_from_db()
        services.response_publish(actor=self.coord, consultation=consultation, response="Gracias")
        recipients = set(
            Message.objects.filter(
                kind=notifications.RESPONSE_PUBLISHED, channel="email"
            ).values_list("user", flat=True)
        )
        self.assertEqual(recipients, {self.reg.pk, self.mem_a.pk})
        # A correction is shown at once and not sent again.
        services.response_publish(actor=self.coord, consultation=consultation, response="Corregida")
        self.assertEqual(
            Message.objects.filter(kind=notifications.RESPONSE_PUBLISHED, channel="email").count(),
            2,
        )
        consultation.refresh_from_db()
        self.assertEqual(consultation.response, "Corregida")

    def test_a_member_cannot_publish_the_response(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.response_publish(actor=self.mem_a, consultation=closed(), response="No")


@unittest.skipUnless(connection.vendor == "postgresql", "concurrency: the PostgreSQL stage")
class ConcurrentReportTests(TransactionTestCase):
    """Two reports of the same comment by the same person at the same moment (two
    connections): the unique constraint keeps one; the other is a clean refusal."""

    def test_two_simultaneous_reports_count_once(self) -> None:
        reporter = UserFactory.create()
        comment = CommentFactory.create(author=UserFactory.create())
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def report() -> None:
            try:
                with transaction.atomic():
                    barrier.wait(timeout=10)
                    services.report_create(
                        actor=reporter,
                        comment=ConsultationComment.objects.select_related("consultation").get(
                            pk=comment.pk
                        ),
                        reason="Spam",
                    )
                outcomes.append("saved")
            except ValidationError:
                outcomes.append("refused")
            except BaseException as error:
                outcomes.append(repr(error))
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=report) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(sorted(outcomes), ["refused", "saved"])
        self.assertEqual(CommentReport.objects.count(), 1)
