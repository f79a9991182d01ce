"""The consultations' pages by role: who sees what (members-only consultations, hidden
comments, commenters' names), who comments, reports, moderates, publishes the response and
exports; bad input gets a message and changes nothing; rate limits; fixed query counts;
the CSV export's formula neutralisation; stored XSS payloads in every text field."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.documents.tests.factories import DocumentFactory
from minka.participation.consultations import selectors, views
from minka.participation.consultations.models import (
    CommentReport,
    Consultation,
    ConsultationComment,
)
from minka.participation.consultations.tests.factories import (
    CommentFactory,
    ConsultationFactory,
    ReportFactory,
    SectionFactory,
    closed,
    upcoming,
)

PERSONAS = ("anon", "reg", "mem_a", "mem_b", "coord", "admin")
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
XSS_MD = "[clic](javascript:alert(1)) <script>alert(2)</script>"


def _url(name: str, consultation: Consultation, **kwargs: object) -> str:
    return reverse(f"participation:{name}", kwargs={"public_id": consultation.public_id, **kwargs})


@override_settings(LANGUAGE_CODE="en")
class VisibilityTests(RoleTestCase):
    def test_each_role_sees_the_consultations_of_its_visibility(self) -> None:
        expected = {
            Visibility.PUBLIC: set(PERSONAS),
            Visibility.MEMBERS: {"mem_a", "mem_b", "coord", "admin"},
        }
        for visibility, allowed in expected.items():
            document = DocumentFactory.create(visibility=visibility)
            consultation = ConsultationFactory.create(
                document=document, title=f"Consulta {visibility}", visibility=visibility
            )
            for persona in PERSONAS:
                with self.subTest(visibility=visibility, persona=persona):
                    page = self.as_(persona).get(consultation.get_absolute_url())
                    self.assertEqual(page.status_code, 200 if persona in allowed else 404)
                    listing = self.as_(persona).get(reverse("participation:consultation-list"))
                    if persona in allowed:
                        self.assertContains(listing, consultation.title)
                    else:
                        self.assertNotContains(listing, consultation.title)

    def test_the_list_groups_open_upcoming_and_closed(self) -> None:
        ConsultationFactory.create(title="Abierta ahora")
        upcoming(title="Abre pronto")
        closed(title="Ya cerrada")
        lists = selectors.consultation_list(user=self.reg)
        self.assertEqual([c.title for c in lists.open], ["Abierta ahora"])
        self.assertEqual([c.title for c in lists.upcoming], ["Abre pronto"])
        self.assertEqual([c.title for c in lists.closed], ["Ya cerrada"])
        opened = selectors.consultations_open(AnonymousUser())
        self.assertEqual([c.title for c in opened], ["Abierta ahora"])

    def test_a_hidden_comment_is_read_by_its_author_and_coordinators_only(self) -> None:
        consultation = ConsultationFactory.create()
        CommentFactory.create(
            consultation=consultation,
            author=self.mem_a,
            body="Texto del comentario oculto",
            hidden_at=timezone.now(),
            hidden_by=self.coord,
            hidden_reason="Datos personales de terceros",
        )
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                page = self.as_(persona).get(consultation.get_absolute_url())
                self.assertContains(page, "Comment hidden by moderation")
                if persona in {"mem_a", "coord", "admin"}:
                    self.assertContains(page, "Texto del comentario oculto")
                    self.assertContains(page, "Datos personales de terceros")
                else:
                    self.assertNotContains(page, "Texto del comentario oculto")
                    self.assertNotContains(page, "Datos personales de terceros")

    def test_commenters_names_are_shown_to_members_only(self) -> None:
        consultation = ConsultationFactory.create()
        CommentFactory.create(consultation=consultation, author=self.reg, body="Opino")
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                page = self.as_(persona).get(consultation.get_absolute_url())
                if persona in {"mem_a", "mem_b", "coord", "admin"}:
                    self.assertContains(page, self.reg.full_name)
                else:
                    self.assertNotContains(page, self.reg.full_name)

    def test_a_document_made_narrower_later_is_not_named_to_those_who_cannot_see_it(
        self,
    ) -> None:
        consultation = ConsultationFactory.create()
        document = consultation.document
        document.title = "Borrador ahora reservado"
        document.visibility = Visibility.MEMBERS
        document.save()
        for url in (
            consultation.get_absolute_url(),
            reverse("participation:consultation-list"),
            reverse("feeds:consultations"),
        ):
            self.assertNotContains(self.as_("anon").get(url), "Borrador ahora reservado")
            self.assertNotContains(self.as_("reg").get(url), "Borrador ahora reservado")
        self.assertContains(
            self.as_("mem_b").get(consultation.get_absolute_url()), "Borrador ahora reservado"
        )

    def test_the_page_says_when_it_is_not_open(self) -> None:
        page = self.as_("reg").get(upcoming().get_absolute_url())
        self.assertContains(page, "not open yet")
        self.assertNotContains(page, 'name="body"')
        page = self.as_("reg").get(closed().get_absolute_url())
        self.assertContains(page, "is closed")
        page = self.as_("anon").get(ConsultationFactory.create().get_absolute_url())
        self.assertContains(page, "Sign in to comment")
        self.assertNotContains(page, 'name="body"')


@override_settings(LANGUAGE_CODE="en")
class QueryCountTests(RoleTestCase):
    def _populate(self, count: int) -> Consultation:
        consultation = ConsultationFactory.create()
        for n in range(count):
            section = SectionFactory.create(consultation=consultation, number=n + 1)
            comment = CommentFactory.create(
                consultation=consultation, section=section if n % 2 else None, author=self.reg
            )
            ReportFactory.create(comment=comment, reporter=self.mem_a)
            ConsultationFactory.create(visibility=Visibility.MEMBERS)
            closed()
            upcoming()
        return consultation

    def _queries(self, client: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(client.get(url).status_code, 200)
        return len(queries)

    def test_list_and_detail_run_the_same_queries_whatever_the_rows(self) -> None:
        small = self._populate(1)
        listing = reverse("participation:consultation-list")
        clients = {persona: self.as_(persona) for persona in ("anon", "reg", "mem_a", "coord")}
        counts = {}
        for persona, client in clients.items():
            client.get(listing)  # warm the session
            counts[persona] = (
                self._queries(client, listing),
                self._queries(client, small.get_absolute_url()),
            )
        big = self._populate(8)
        for persona, client in clients.items():
            with self.subTest(persona=persona):
                self.assertEqual(
                    (self._queries(client, listing), self._queries(client, big.get_absolute_url())),
                    counts[persona],
                )
        print(f"consultations queries (list, detail): {counts}")  # noqa: T201


@override_settings(LANGUAGE_CODE="en")
class CommentViewTests(RoleTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.consultation = ConsultationFactory.create()
        self.section = SectionFactory.create(consultation=self.consultation, number=1)

    def test_a_visitor_is_sent_to_sign_in_and_nothing_is_saved(self) -> None:
        response = self.as_("anon").post(
            _url("consultation-comment-create", self.consultation), {"body": "Hola"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertFalse(ConsultationComment.objects.exists())

    def test_a_registered_user_comments_on_a_section(self) -> None:
        response = self.as_("reg").post(
            _url("consultation-comment-create", self.consultation),
            {"body": "Propongo precisar el alcance.", "section": str(self.section.pk)},
        )
        self.assertEqual(response.status_code, 302)
        comment = ConsultationComment.objects.get()
        self.assertEqual((comment.author, comment.section), (self.reg, self.section))

    def test_extra_fields_are_ignored(self) -> None:
        self.as_("reg").post(
            _url("consultation-comment-create", self.consultation),
            {
                "body": "Hola",
                "author": str(self.coord.pk),
                "hidden_at": "2026-01-01T00:00",
                "consultation": "1",
            },
        )
        comment = ConsultationComment.objects.get()
        self.assertEqual(comment.author, self.reg)
        self.assertIsNone(comment.hidden_at)

    def test_bad_input_is_refused_with_its_errors_and_nothing_changes(self) -> None:
        other = SectionFactory.create()
        for data in (
            {"body": ""},
            {"body": "x" * 4001},
            {"body": "Hola", "section": str(other.pk)},
            {"body": "Hola", "section": "no-es-un-id"},
        ):
            with self.subTest(data=str(data)[:40]):
                response = self.as_("reg").post(
                    _url("consultation-comment-create", self.consultation), data
                )
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(ConsultationComment.objects.exists())

    def test_a_closed_consultation_refuses_with_a_message(self) -> None:
        consultation = closed()
        response = self.as_("reg").post(
            _url("consultation-comment-create", consultation), {"body": "Hola"}
        )
        self.assertContains(response, "is closed", status_code=400)
        self.assertFalse(ConsultationComment.objects.exists())

    def test_over_the_rate_limit_a_comment_is_refused_with_429_and_not_saved(self) -> None:
        with mock.patch.object(views, "COMMENT_RATE_LIMIT", 3):
            for n in range(3):
                response = self.as_("reg").post(
                    _url("consultation-comment-create", self.consultation),
                    {"body": f"Comentario {n}"},
                )
                self.assertEqual(response.status_code, 302)
            response = self.as_("reg").post(
                _url("consultation-comment-create", self.consultation), {"body": "Uno más"}
            )
        self.assertEqual(response.status_code, 429)
        self.assertTrue(int(response["Retry-After"]) > 0)
        self.assertEqual(ConsultationComment.objects.count(), 3)
        self.assertFalse(ConsultationComment.objects.filter(body="Uno más").exists())


@override_settings(LANGUAGE_CODE="en")
class ReportViewTests(RoleTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.consultation = ConsultationFactory.create()
        self.comments = [
            CommentFactory.create(consultation=self.consultation, author=self.mem_a)
            for _ in range(4)
        ]

    def test_a_registered_user_reports_a_comment_once(self) -> None:
        url = _url("consultation-comment-report", self.consultation, pk=self.comments[0].pk)
        self.assertEqual(self.as_("reg").post(url, {"reason": "Spam"}).status_code, 302)
        again = self.as_("reg").post(url, {"reason": "Spam"})
        self.assertContains(again, "already reported", status_code=400)
        self.assertEqual(CommentReport.objects.count(), 1)

    def test_over_the_rate_limit_a_report_is_refused_with_429_and_not_saved(self) -> None:
        with mock.patch.object(views, "REPORT_RATE_LIMIT", 3):
            for comment in self.comments[:3]:
                url = _url("consultation-comment-report", self.consultation, pk=comment.pk)
                self.assertEqual(self.as_("reg").post(url, {"reason": "Spam"}).status_code, 302)
            url = _url("consultation-comment-report", self.consultation, pk=self.comments[3].pk)
            response = self.as_("reg").post(url, {"reason": "Spam"})
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response)
        self.assertEqual(CommentReport.objects.count(), 3)

    def test_coordinators_see_open_reports_and_resolve_them(self) -> None:
        report = ReportFactory.create(
            comment=self.comments[0], reporter=self.reg, reason="Datos personales"
        )
        moderation = _url("consultation-moderation", self.consultation)
        self.assertContains(self.as_("coord").get(moderation), "Datos personales")
        self.assertEqual(self.as_("mem_a").get(moderation).status_code, 403)
        resolve = _url("consultation-report-resolve", self.consultation, pk=report.pk)
        self.assertEqual(self.as_("mem_b").post(resolve).status_code, 403)
        self.assertEqual(self.as_("coord").post(resolve).status_code, 302)
        report.refresh_from_db()
        self.assertEqual(report.resolved_by, self.coord)
        self.assertNotContains(self.as_("coord").get(moderation), "Datos personales")


@override_settings(LANGUAGE_CODE="en")
class ModerationViewTests(RoleTestCase):
    def test_a_member_cannot_hide_and_a_coordinator_hides_with_a_reason(self) -> None:
        consultation = ConsultationFactory.create()
        comment = CommentFactory.create(consultation=consultation, author=self.reg)
        url = _url("consultation-comment-hide", consultation, pk=comment.pk)
        self.assertEqual(self.as_("mem_a").post(url, {"reason": "No"}).status_code, 403)
        self.assertContains(self.as_("coord").post(url, {"reason": ""}), "problem", status_code=400)
        comment.refresh_from_db()
        self.assertFalse(comment.is_hidden)
        self.assertEqual(self.as_("coord").post(url, {"reason": "Ofensivo"}).status_code, 302)
        comment.refresh_from_db()
        self.assertEqual(comment.hidden_reason, "Ofensivo")
        unhide = _url("consultation-comment-unhide", consultation, pk=comment.pk)
        self.assertEqual(self.as_("mem_a").post(unhide).status_code, 403)
        self.assertEqual(self.as_("coord").post(unhide).status_code, 302)
        comment.refresh_from_db()
        self.assertFalse(comment.is_hidden)


@override_settings(LANGUAGE_CODE="en")
class ManageViewTests(RoleTestCase):
    def _post(self, persona: str, document: object, **extra: str) -> object:
        now = timezone.localtime()
        data = {
            "document": str(document.pk),  # type: ignore[attr-defined]
            "title": "Consulta nueva",
            "description": "",
            "visibility": "public",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "sections": "1. Alcance",
            **extra,
        }
        return self.as_(persona).post(reverse("participation:consultation-create"), data)

    def test_a_coordinator_creates_a_consultation(self) -> None:
        response = self._post("coord", DocumentFactory.create(), created_by=str(self.reg.pk))
        self.assertEqual(response.status_code, 302)  # type: ignore[attr-defined]
        consultation = Consultation.objects.get()
        self.assertEqual(consultation.created_by, self.coord)
        self.assertEqual(consultation.sections.get().title, "Alcance")

    def test_a_public_consultation_on_a_members_document_is_refused_clearly(self) -> None:
        document = DocumentFactory.create(visibility=Visibility.MEMBERS)
        response = self._post("coord", document)
        self.assertContains(response, "cannot be wider than its document", status_code=400)  # type: ignore[arg-type]
        self.assertFalse(Consultation.objects.exists())

    def test_members_cannot_create(self) -> None:
        self.assertEqual(self._post("mem_a", DocumentFactory.create()).status_code, 403)  # type: ignore[attr-defined]
        self.assertFalse(Consultation.objects.exists())

    def test_the_response_form_publishes_after_the_close(self) -> None:
        consultation = closed()
        url = _url("consultation-response", consultation)
        self.assertEqual(self.as_("mem_a").post(url, {"response": "No"}).status_code, 403)
        self.assertEqual(self.as_("coord").post(url, {"response": "## Gracias"}).status_code, 302)
        page = self.as_("anon").get(consultation.get_absolute_url())
        self.assertContains(page, "<h4>Gracias</h4>", html=True)


@override_settings(LANGUAGE_CODE="en")
class ExportTests(RoleTestCase):
    def test_the_csv_neutralises_formulas_in_every_cell(self) -> None:
        """Golden test: a comment starting with each formula prefix is quoted."""
        consultation = ConsultationFactory.create()
        section = SectionFactory.create(
            consultation=consultation, number=1, title='=HYPERLINK("http://x")'
        )
        author = self.reg
        author.full_name = "@SUM(1+1)"
        author.save()
        payloads = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "Normal"]
        for payload in payloads:
            CommentFactory.create(
                consultation=consultation, section=section, author=author, body=payload
            )
        CommentFactory.create(
            consultation=consultation,
            author=author,
            body="Oculto",
            hidden_at=timezone.now(),
            hidden_reason="=EVIL()",
        )
        url = _url("consultation-export", consultation)
        self.assertEqual(self.as_("mem_a").get(url).status_code, 403)
        response = self.as_("coord").get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(
            rows[0], ["Date", "Section", "Author", "Comment", "Hidden", "Reason for hiding"]
        )
        bodies = [row[3] for row in rows[1:]]
        self.assertEqual(
            bodies,
            [
                "'=1+2",
                "'+cmd|' /C calc'!A0",
                "'-2+3",
                "'@SUM(A1)",
                "'\t=1",
                "'\r=1",
                "Normal",
                "Oculto",
            ],
        )
        # A section's title starts with its number: never a formula.
        self.assertEqual(rows[1][1], '1. =HYPERLINK("http://x")')
        self.assertEqual(rows[1][2], "'@SUM(1+1)")
        self.assertEqual(rows[-1][4:], ["yes", "'=EVIL()"])


@override_settings(LANGUAGE_CODE="en")
class XssTests(RoleTestCase):
    def test_payloads_in_every_text_field_are_shown_as_text(self) -> None:
        document = DocumentFactory.create(title=XSS)
        consultation = ConsultationFactory.create(
            document=document,
            title=XSS,
            description=XSS_MD,
            opens_at=timezone.now() - timedelta(days=9),
            closes_at=timezone.now() - timedelta(days=1),
            response=XSS_MD,
            response_published_at=timezone.now(),
        )
        SectionFactory.create(consultation=consultation, number=1, title=XSS)
        comment = CommentFactory.create(consultation=consultation, author=self.mem_a, body=XSS)
        CommentFactory.create(
            consultation=consultation,
            author=self.mem_a,
            body=XSS,
            hidden_at=timezone.now(),
            hidden_reason=XSS,
        )
        ReportFactory.create(comment=comment, reporter=self.reg, reason=XSS)
        self.mem_a.full_name = XSS
        self.mem_a.save()
        pages = [
            consultation.get_absolute_url(),
            reverse("participation:consultation-list"),
            _url("consultation-moderation", consultation),
            _url("consultation-comment-hide", consultation, pk=comment.pk),
            _url("consultation-comment-report", consultation, pk=comment.pk),
            _url("consultation-edit", consultation),
            _url("consultation-response", consultation),
        ]
        for persona in ("mem_a", "coord"):
            for url in pages:
                response = self.as_(persona).get(url)
                if response.status_code != 200:
                    continue
                body = response.content.decode()
                with self.subTest(persona=persona, url=url):
                    self.assertNotIn("<script>alert", body)
                    self.assertNotIn("onerror=alert", body.replace("onerror=alert(1)&gt;", ""))
                    self.assertNotIn('href="javascript:', body)
