""" "¿Asistirá?" for everyone who may answer: any member on any meeting they may see
(their answer creates their own invitee row), registered accounts on public meetings whose
coordinator allowed it, and visitors only after signing in."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from minka.core.models import AuditEntry
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings.models import Invitee, Meeting, Rsvp
from minka.meetings.services import meetings as meeting_services
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.accounts.models import User


def rsvp_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting-rsvp", args=[meeting.public_id])


def answer_of(meeting: Meeting, user: User) -> str | None:
    invitee = Invitee.objects.filter(meeting=meeting, person__user=user).first()
    return invitee.rsvp if invitee else None


@override_settings(LANGUAGE_CODE="en")
class MemberRsvpTests(RoleTestCase):
    def test_any_member_answers_and_gets_an_invitee_row(self) -> None:
        meeting = MeetingFactory.create()
        for persona in ("mem_b", "coord", "admin"):
            response = self.as_(persona).post(rsvp_url(meeting), {"answer": "yes"})
            self.assertRedirects(response, meeting.get_absolute_url())
            self.assertEqual(answer_of(meeting, getattr(self, persona)), Rsvp.YES)
        invitee = Invitee.objects.get(meeting=meeting, person__user=self.mem_b)
        self.assertEqual(invitee.invited_by, self.mem_b)
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, target_id=invitee.pk)
        )

    def test_a_second_answer_updates_the_same_row(self) -> None:
        meeting = MeetingFactory.create()
        client = self.as_("mem_a")
        client.post(rsvp_url(meeting), {"answer": "yes"})
        client.post(rsvp_url(meeting), {"answer": "no"})
        self.assertEqual(Invitee.objects.filter(meeting=meeting).count(), 1)
        self.assertEqual(answer_of(meeting, self.mem_a), Rsvp.NO)

    def test_members_answer_on_members_only_meetings(self) -> None:
        meeting = MeetingFactory.create(visibility=Visibility.MEMBERS)
        response = self.as_("mem_a").post(rsvp_url(meeting), {"answer": "maybe"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(answer_of(meeting, self.mem_a), Rsvp.MAYBE)
        self.assertEqual(
            self.as_("reg").post(rsvp_url(meeting), {"answer": "yes"}).status_code, 404
        )

    def test_the_member_sees_the_form_on_the_meeting_page(self) -> None:
        meeting = MeetingFactory.create()
        page = self.as_("mem_b").get(meeting.get_absolute_url())
        self.assertContains(page, gettext("Will you attend?"))
        self.assertNotContains(page, gettext("You are invited. Will you attend?"))
        self.assertContains(page, f'action="{rsvp_url(meeting)}"')

    def test_bad_answers_create_nothing(self) -> None:
        meeting = MeetingFactory.create()
        for data in ({}, {"answer": "always"}):
            response = self.as_("mem_b").post(rsvp_url(meeting), data)
            self.assertEqual(response.status_code, 400)
        self.assertFalse(Invitee.objects.filter(meeting=meeting).exists())

    def test_past_and_cancelled_meetings_take_no_answer(self) -> None:
        start = timezone.now() - timedelta(days=2)
        over = MeetingFactory.create(starts_at=start, ends_at=start + timedelta(hours=1))
        cancelled = MeetingFactory.create(status=Meeting.Status.CANCELLED)
        for meeting in (over, cancelled):
            response = self.as_("mem_a").post(rsvp_url(meeting), {"answer": "yes"})
            self.assertEqual(response.status_code, 400)
            self.assertFalse(Invitee.objects.filter(meeting=meeting).exists())


@override_settings(LANGUAGE_CODE="en")
class PublicRsvpTests(RoleTestCase):
    def test_registered_accounts_answer_only_where_allowed(self) -> None:
        closed = MeetingFactory.create()
        opened = MeetingFactory.create(allow_public_rsvp=True)
        self.assertEqual(self.as_("reg").post(rsvp_url(closed), {"answer": "yes"}).status_code, 403)
        self.assertIsNone(answer_of(closed, self.reg))
        response = self.as_("reg").post(rsvp_url(opened), {"answer": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(answer_of(opened, self.reg), Rsvp.YES)

    def test_allowed_only_on_public_meetings(self) -> None:
        meeting = MeetingFactory.create(allow_public_rsvp=True, visibility=Visibility.MEMBERS)
        self.assertEqual(
            self.as_("reg").post(rsvp_url(meeting), {"answer": "yes"}).status_code, 404
        )

    def test_visitors_are_asked_to_sign_in(self) -> None:
        opened = MeetingFactory.create(allow_public_rsvp=True)
        closed = MeetingFactory.create()
        response = self.as_("anon").post(rsvp_url(opened), {"answer": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertFalse(Invitee.objects.exists())
        sign_in = gettext("Sign in to say whether you will attend")
        self.assertContains(self.as_("anon").get(opened.get_absolute_url()), sign_in)
        self.assertNotContains(self.as_("anon").get(closed.get_absolute_url()), sign_in)
        self.assertNotContains(self.as_("reg").get(closed.get_absolute_url()), 'name="answer"')
        self.assertContains(self.as_("reg").get(opened.get_absolute_url()), 'name="answer"')

    def test_the_coordinator_sets_it_on_the_meeting_form(self) -> None:
        meeting = MeetingFactory.create()
        url = reverse("meetings:meeting-edit", args=[meeting.public_id])
        self.assertContains(self.as_("coord").get(url), 'name="allow_public_rsvp"')
        meeting_services.meeting_update(
            actor=self.coord, meeting=meeting, data={"allow_public_rsvp": True}
        )
        meeting.refresh_from_db()
        self.assertIs(meeting.allow_public_rsvp, True)
