"""Invitations, RSVP (meeting page and signed links) and the notices sent to invitees.

The notices leave through the outbox (issue 18): the tests write the change, then deliver
the outbox (:func:`minka.notifications.delivery.outbox_deliver`) and read ``mail.outbox``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core import mail, signing
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.directory.models import Person
from minka.directory.services import person_for_user
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.meetings import notifications
from minka.meetings.models import Invitee, Meeting, Rsvp
from minka.meetings.services import invitations as services
from minka.meetings.tests.factories import MeetingFactory
from minka.meetings.views.attendance import rsvp_panel
from minka.notifications.delivery import outbox_deliver

if TYPE_CHECKING:
    from django.core.mail import EmailMessage
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

BASE_URL = "https://minka.example.org"


def calendar_parts(message: EmailMessage) -> list[Any]:
    return [
        part
        for part in message.attachments
        if not isinstance(part, tuple) and part.get_content_type() == "text/calendar"
    ]


def full_text(message: Any) -> str:
    html = "".join(str(content) for content, _type in getattr(message, "alternatives", []))
    ics = "".join(part.get_payload(decode=True).decode() for part in calendar_parts(message))
    return f"{message.subject}\n{message.body}\n{html}\n{ics}"


@override_settings(LANGUAGE_CODE="en", BASE_URL=BASE_URL)
class InvitationTestCase(RoleTestCase):
    meeting: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(
            title="Reunión de junio", online_url="https://meet.example.org/junio"
        )

    def invite(self, persona: str = "coord", **data: Any) -> Response:
        response: Response = self.as_(persona).post(
            reverse("meetings:meeting-invitees", args=[self.meeting.public_id]), data
        )
        outbox_deliver()
        return response


class InviteOrganizationTests(InvitationTestCase):
    def test_coordinator_invites_an_organization_s_current_active_people_with_email(self) -> None:
        """Current, active affiliates with an email are invited, each once, with the
        organization recorded; ended affiliations, pending people and no email are skipped."""
        ana = AffiliationFactory.create(organization=self.org_a, person__full_name="Ana").person
        beto = AffiliationFactory.create(organization=self.org_a, person__full_name="Beto").person
        AffiliationFactory.create(
            organization=self.org_a, end_date=timezone.localdate() - timedelta(days=3)
        )
        AffiliationFactory.create(organization=self.org_a, person__status=Person.Status.PENDING)
        AffiliationFactory.create(organization=self.org_a, person__email="")
        response = self.invite(organizations=[self.org_a.pk])
        self.assertRedirects(
            response, reverse("meetings:meeting-invitees", args=[self.meeting.public_id])
        )
        invitees = Invitee.objects.filter(meeting=self.meeting)
        self.assertEqual({i.person for i in invitees}, {ana, beto})
        self.assertEqual({i.organization for i in invitees}, {self.org_a})
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), sorted([ana.email, beto.email]))
        self.assertEqual(AuditEntry.objects.filter(action=AuditEntry.Action.INVITE).count(), 2)

    def test_inviting_twice_changes_nothing(self) -> None:
        AffiliationFactory.create(organization=self.org_a)
        self.invite(organizations=[self.org_a.pk])
        mail.outbox.clear()
        person = PersonFactory.create()
        self.invite(organizations=[self.org_a.pk], people=[person.pk])
        self.assertEqual(Invitee.objects.filter(meeting=self.meeting).count(), 2)
        self.assertEqual([m.to for m in mail.outbox], [[person.email]])

    def test_email_has_details_signed_links_from_the_base_url_and_a_calendar_request(self) -> None:
        """The invitation carries Lima time, the online link, absolute RSVP links under
        BASE_URL (never the request's host) and a METHOD:REQUEST calendar part."""
        person = PersonFactory.create(full_name="Carla Quispe", email_notifications=False)
        other = PersonFactory.create(email="otra-persona@example.org")
        self.invite(people=[person.pk, other.pk])
        message = next(m for m in mail.outbox if m.to == [person.email])
        text = full_text(message)
        self.assertIn("Reunión de junio", message.subject)
        self.assertIn("https://meet.example.org/junio", message.body)
        self.assertIn("10 a.m.", message.body)  # the factory's start, in Lima time
        invitee = Invitee.objects.get(meeting=self.meeting, person=person)
        link = BASE_URL + reverse("meetings:rsvp-link", args=[services.rsvp_token(invitee)])
        self.assertIn(f"{link}?respuesta=yes", message.body)
        self.assertIn(f"{link}?respuesta=no", message.body)
        self.assertIn(f"{link}?respuesta=maybe", message.body)
        self.assertNotIn("testserver", text)
        self.assertNotIn(other.email, text)
        [part] = calendar_parts(message)
        self.assertEqual(part.get_param("method"), "REQUEST")
        self.assertEqual(part.get_content_charset(), "utf-8")
        ics = part.get_payload(decode=True).decode()
        self.assertIn("METHOD:REQUEST", ics)
        self.assertIn(person.email, ics)

    def test_an_empty_invitation_is_refused(self) -> None:
        response = self.invite()
        self.assertContains(
            response, "Choose at least one organization or person to invite.", status_code=400
        )
        self.assertFalse(Invitee.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_person_without_email_cannot_be_chosen(self) -> None:
        person = PersonFactory.create(email="")
        response = self.invite(people=[person.pk])
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Invitee.objects.exists())

    def test_a_cancelled_meeting_takes_no_invitations(self) -> None:
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.CANCELLED)
        person = PersonFactory.create()
        response = self.invite(people=[person.pk])
        self.assertContains(response, "This meeting was cancelled.", status_code=400)
        self.assertFalse(Invitee.objects.exists())

    def test_extra_fields_cannot_set_the_answer_or_the_inviter(self) -> None:
        person = PersonFactory.create()
        self.invite(people=[person.pk], rsvp="yes", invited_by=self.mem_a.pk)
        invitee = Invitee.objects.get()
        self.assertEqual((invitee.rsvp, invitee.invited_by), (Rsvp.PENDING, self.coord))

    def test_only_coordinators_invite(self) -> None:
        person = PersonFactory.create()
        for persona, status in [("anon", 302), ("reg", 403), ("mem_a", 403), ("admin", 302)]:
            with self.subTest(persona):
                self.assertEqual(self.invite(persona, people=[person.pk]).status_code, status)
        self.assertEqual(Invitee.objects.count(), 1)  # the admin's

    def test_coordinators_see_answers_and_emails(self) -> None:
        person = PersonFactory.create(full_name="Dora Mamani")
        Invitee.objects.create(meeting=self.meeting, person=person, rsvp=Rsvp.YES)
        url = reverse("meetings:meeting-invitees", args=[self.meeting.public_id])
        client = self.as_("coord")
        with self.assertNumQueries(9):  # the people to invite are searched, not listed
            response = client.get(url)
        self.assertContains(response, "Dora Mamani")
        self.assertContains(response, person.email)
        for persona in ("reg", "mem_a"):
            self.assertNotContains(self.as_(persona).get(url), person.email, status_code=403)


class RemoveAndResendTests(InvitationTestCase):
    invitee: Invitee

    def setUp(self) -> None:
        self.invitee = Invitee.objects.create(meeting=self.meeting, person=PersonFactory.create())

    def url(self, action: str) -> str:
        return reverse(f"meetings:invitee-{action}", args=[self.meeting.public_id, self.invitee.pk])

    def test_removing_an_invitee_stops_their_link(self) -> None:
        token = services.rsvp_token(self.invitee)
        response = self.as_("coord").post(self.url("remove"))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Invitee.objects.exists())
        page = self.client.get(reverse("meetings:rsvp-link", args=[token]))
        self.assertContains(page, "This invitation was withdrawn.", status_code=410)

    def test_resending_sends_one_email_with_the_same_link(self) -> None:
        response = self.as_("coord").post(self.url("resend"))
        self.assertEqual(response.status_code, 302)
        outbox_deliver()
        [message] = mail.outbox
        self.assertEqual(message.to, [self.invitee.person.email])
        self.assertIn(services.rsvp_token(self.invitee), message.body)

    def test_members_cannot_remove_or_resend(self) -> None:
        for action in ("remove", "resend"):
            self.assertEqual(self.as_("mem_a").post(self.url(action)).status_code, 403)
        self.assertTrue(Invitee.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_an_invitee_of_another_meeting_is_not_found(self) -> None:
        other = MeetingFactory.create()
        url = reverse("meetings:invitee-remove", args=[other.public_id, self.invitee.pk])
        self.assertEqual(self.as_("coord").post(url).status_code, 404)
        self.assertTrue(Invitee.objects.exists())


class RsvpLinkTests(InvitationTestCase):
    invitee: Invitee

    def setUp(self) -> None:
        person = PersonFactory.create(full_name="Elena Huamán")
        self.invitee = Invitee.objects.create(meeting=self.meeting, person=person)

    def url(self, invitee: Invitee | None = None) -> str:
        return reverse("meetings:rsvp-link", args=[services.rsvp_token(invitee or self.invitee)])

    def test_the_link_shows_the_meeting_and_the_buttons_and_never_writes(self) -> None:
        """GET shows the meeting, the invitee and the current answer; it records nothing,
        even with an answer preselected in the link."""
        audit = AuditEntry.objects.count()
        response = self.client.get(self.url() + "?respuesta=yes")
        self.assertContains(response, "Reunión de junio")
        self.assertContains(response, "Elena Huamán")
        self.assertRegex(response.content.decode(), r'value="yes"[^>]* checked')
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.PENDING)
        self.assertEqual(AuditEntry.objects.count(), audit)

    def test_posting_an_answer_records_it_without_signing_in(self) -> None:
        response = self.client.post(self.url(), {"answer": "maybe"})
        self.assertRedirects(response, self.url())
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.MAYBE)
        self.assertIsNotNone(self.invitee.responded_at)

    def test_an_unknown_answer_is_refused(self) -> None:
        response = self.client.post(self.url(), {"answer": "pending"})
        self.assertEqual(response.status_code, 400)
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.PENDING)

    def test_a_tampered_link_is_refused(self) -> None:
        token = services.rsvp_token(self.invitee)
        forged = signing.Signer(salt="another-purpose").sign_object(self.invitee.pk)
        for bad in (token[:-3] + "abc", forged, "garbage"):
            with self.subTest(bad):
                url = reverse("meetings:rsvp-link", args=[bad])
                self.assertContains(self.client.get(url), "not valid", status_code=400)
                self.assertEqual(self.client.post(url, {"answer": "yes"}).status_code, 400)
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.PENDING)

    def test_the_link_stops_working_after_the_meeting(self) -> None:
        past = timezone.now() - timedelta(hours=1)
        Meeting.objects.filter(pk=self.meeting.pk).update(
            starts_at=past - timedelta(hours=2), ends_at=past
        )
        self.assertContains(self.client.get(self.url()), "This meeting is over", status_code=410)
        self.assertEqual(self.client.post(self.url(), {"answer": "yes"}).status_code, 410)

    def test_the_link_stops_working_when_the_meeting_is_cancelled(self) -> None:
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.CANCELLED)
        self.assertContains(self.client.get(self.url()), "was cancelled", status_code=410)
        self.assertEqual(self.client.post(self.url(), {"answer": "yes"}).status_code, 410)
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.PENDING)

    def test_two_answers_leave_one_row_with_the_later_answer(self) -> None:
        """Answers update the invitee's row in place (locked), never add one."""
        services.rsvp_set(invitee=self.invitee, answer="yes", actor=None)
        self.client.post(self.url(), {"answer": "no"})
        self.assertEqual(Invitee.objects.filter(meeting=self.meeting).count(), 1)
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.NO)


class MeetingPageRsvpTests(InvitationTestCase):
    invitee: Invitee

    def setUp(self) -> None:
        self.invitee = Invitee.objects.create(
            meeting=self.meeting, person=person_for_user(user=self.mem_a)
        )
        self.url = reverse("meetings:meeting-rsvp", args=[self.meeting.public_id])

    def test_the_invitee_answers_from_the_meeting_page(self) -> None:
        response = self.as_("mem_a").post(self.url, {"answer": "yes"})
        self.assertRedirects(response, self.meeting.get_absolute_url())
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.YES)

    def test_htmx_gets_the_panel_back(self) -> None:
        response = self.as_("mem_a").post(self.url, {"answer": "no"}, HTTP_HX_REQUEST="true")
        self.assertContains(response, 'id="meeting-rsvp"')
        self.assertContains(response, "Your answer was recorded.")
        self.assertNotContains(response, "<html")
        self.assertIn("HX-Request", response["Vary"])

    def test_a_bad_answer_is_refused_with_the_form(self) -> None:
        response = self.as_("mem_a").post(self.url, {"answer": "always"})
        self.assertContains(response, "There is a problem", status_code=400)
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.PENDING)

    def test_visitors_and_registered_accounts_cannot_answer_by_default(self) -> None:
        """Members may answer without an invitation (test_rsvp_open.py); others not."""
        for persona, status in [("anon", 302), ("reg", 403)]:
            with self.subTest(persona):
                response = self.as_(persona).post(self.url, {"answer": "yes"})
                self.assertEqual(response.status_code, status)
        self.invitee.refresh_from_db()
        self.assertEqual(self.invitee.rsvp, Rsvp.PENDING)
        self.assertEqual(Invitee.objects.filter(meeting=self.meeting).count(), 1)

    def test_the_meeting_page_shows_the_form_to_the_invitee_and_counts_to_members(self) -> None:
        page = self.as_("mem_a").get(self.meeting.get_absolute_url())
        self.assertContains(page, "You are invited. Will you attend?")
        self.assertContains(page, "1 person invited.")
        anon_page = self.as_("anon").get(self.meeting.get_absolute_url())
        self.assertNotContains(anon_page, "person invited")
        self.assertContains(anon_page, "0 people attended.")


@override_settings(LANGUAGE_CODE="en")
class RsvpPanelQueryTests(RoleTestCase):
    def test_the_panel_costs_at_most_three_queries(self) -> None:
        """1 query for a visitor, 2 for a signed-in user, 3 for members and up."""
        from django.contrib.auth.models import AnonymousUser

        meeting = MeetingFactory.create()
        for _n in range(5):
            Invitee.objects.create(meeting=meeting, person=PersonFactory.create(), rsvp=Rsvp.YES)
        cases: list[tuple[Any, int]] = [
            (AnonymousUser(), 1),
            (self.reg, 2),
            (self.mem_a, 3),
            (self.coord, 3),
        ]
        for user, queries in cases:
            request = RequestFactory().get("/")
            request.user = user
            with self.subTest(str(user)), self.assertNumQueries(queries):
                context = rsvp_panel(request, meeting)
            if queries == 3:
                self.assertEqual(context["rsvp_counts"]["yes"], 5)
            else:
                self.assertIsNone(context["rsvp_counts"])


@override_settings(LANGUAGE_CODE="en", BASE_URL=BASE_URL)
class NotifyTests(RoleTestCase):
    meeting: Meeting

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.meeting = MeetingFactory.create(title="Reunión de julio")
        for name in ("Flor", "Gina"):
            Invitee.objects.create(meeting=cls.meeting, person=PersonFactory.create(full_name=name))
        Invitee.objects.create(meeting=cls.meeting, person=PersonFactory.create(email=""))

    def invitee_emails(self) -> list[Any]:
        addresses = {i.person.email for i in self.meeting.invitees.select_related("person")}
        return [m for m in mail.outbox if m.to[0] in addresses]

    def test_a_change_sends_an_updated_request_to_each_invitee(self) -> None:
        """Written with the change, sent by the outbox worker: one email per invitee with
        an address, each with its own calendar REQUEST (members who are not invited get the
        news without a calendar part)."""
        notifications.meeting_changed(meeting=self.meeting, actor=self.coord)
        self.assertEqual(mail.outbox, [])
        outbox_deliver()
        invited = self.invitee_emails()
        self.assertEqual(len(invited), 2)
        for message in invited:
            self.assertIn("Meeting updated", message.subject)
            [part] = calendar_parts(message)
            self.assertEqual(part.get_param("method"), "REQUEST")
            self.assertEqual(len(message.to), 1)
        others = [m for m in mail.outbox if m not in invited]
        self.assertTrue(others)
        self.assertTrue(all(calendar_parts(m) == [] for m in others))

    def test_a_cancellation_sends_a_calendar_cancel(self) -> None:
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.CANCELLED)
        self.meeting.refresh_from_db()
        notifications.meeting_cancelled(meeting=self.meeting, actor=self.coord)
        outbox_deliver()
        invited = self.invitee_emails()
        self.assertEqual(len(invited), 2)
        for message in invited:
            self.assertIn("Meeting cancelled", message.subject)
            [part] = calendar_parts(message)
            self.assertEqual(part.get_param("method"), "CANCEL")
            self.assertIn("METHOD:CANCEL", part.get_payload(decode=True).decode())
            others = [m.to[0] for m in mail.outbox if m is not message]
            for address in others:
                self.assertNotIn(address, full_text(message))
