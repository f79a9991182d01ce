"""Approving minutes: a confirmation page that lists the pending observations and says
whether observations are still accepted; approval only by its POST with the box ticked."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.tests.base import RoleTestCase
from minka.meetings.minutes import selectors, services
from minka.meetings.minutes.forms_approval import ApproveForm
from minka.meetings.minutes.models import Minutes
from minka.meetings.minutes.tests.factories import minutes_in, sample_content

# Lazy: turned into text inside each test, in the language the test renders.
REQUIRED = ApproveForm.base_fields["confirm"].error_messages["required"]


def approve_url(minutes: Minutes) -> str:
    return reverse("meetings:minutes-approve", kwargs={"public_id": minutes.meeting.public_id})


def status_of(minutes: Minutes) -> str:
    return Minutes.objects.get(pk=minutes.pk).status


@override_settings(LANGUAGE_CODE="en")
class ApprovalPageTests(RoleTestCase):
    def setUp(self) -> None:
        self.minutes = minutes_in("review", actor=self.coord)
        services.observation_add(
            actor=self.mem_a, minutes=self.minutes, section="agreements", text="Falta el plazo."
        )

    def test_the_page_lists_pending_observations_and_the_open_deadline(self) -> None:
        response = self.as_("coord").get(approve_url(self.minutes))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Falta el plazo.")
        self.assertContains(response, "Miembro A")
        self.assertContains(response, _("Reviewers may still send observations."))
        self.assertContains(response, 'name="confirm"')
        self.assertEqual(status_of(self.minutes), "review")  # GET changes nothing

    def test_after_an_edit_observations_are_earlier_not_pending(self) -> None:
        services.minutes_save(
            actor=self.coord, minutes=self.minutes, content=sample_content("b"), base_revision=2
        )
        minutes = Minutes.objects.select_related("current_revision").get(pk=self.minutes.pk)
        summary = selectors.approval_summary(minutes)
        self.assertEqual((len(summary.pending), summary.earlier), (0, 1))
        response = self.as_("coord").get(approve_url(self.minutes))
        self.assertContains(response, _("No observation is pending on the current text."))
        self.assertNotContains(response, "Falta el plazo.")

    def test_a_closed_deadline_is_said_without_the_warning(self) -> None:
        Minutes.objects.filter(pk=self.minutes.pk).update(
            review_deadline=timezone.now() - timedelta(hours=1)
        )
        response = self.as_("admin").get(approve_url(self.minutes))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, _("Reviewers may still send observations."))

    def test_approval_is_refused_without_the_confirmation(self) -> None:
        """A POST without the box (a one-click form, an old page) approves nothing."""
        for data in ({}, {"confirm": ""}, {"confirm": "false"}):
            response = self.as_("coord").post(approve_url(self.minutes), data)
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, _("There is a problem"), status_code=400)
            self.assertContains(response, REQUIRED, status_code=400)
        minutes = Minutes.objects.get(pk=self.minutes.pk)
        self.assertEqual((minutes.status, minutes.approved_by), ("review", None))

    def test_approval_with_the_confirmation(self) -> None:
        response = self.as_("admin").post(approve_url(self.minutes), {"confirm": "on"})
        self.assertRedirects(
            response, self.minutes.get_absolute_url(), fetch_redirect_response=False
        )
        minutes = Minutes.objects.get(pk=self.minutes.pk)
        self.assertEqual((minutes.status, minutes.approved_by), ("approved", self.admin))

    def test_other_roles_are_denied(self) -> None:
        for method in ("get", "post"):
            anon = getattr(self.as_("anon"), method)(approve_url(self.minutes), {"confirm": "on"})
            self.assertEqual(anon.status_code, 302)
            for persona in ("reg", "mem_a", "mem_b"):
                response = getattr(self.as_(persona), method)(
                    approve_url(self.minutes), {"confirm": "on"}
                )
                self.assertEqual(response.status_code, 403, (persona, method))
        self.assertEqual(status_of(self.minutes), "review")

    def test_minutes_not_in_review_are_refused_with_a_message(self) -> None:
        for state in ("draft", "approved"):
            minutes = minutes_in(state, actor=self.coord)
            for method in ("get", "post"):
                response = getattr(self.as_("coord"), method)(
                    approve_url(minutes), {"confirm": "on"}
                )
                self.assertEqual(response.status_code, 400)
                self.assertContains(
                    response, _("Only minutes in review can be approved."), status_code=400
                )
            self.assertEqual(status_of(minutes), state)

    def test_the_minutes_page_links_to_the_confirmation_without_a_one_click_form(self) -> None:
        response = self.as_("coord").get(self.minutes.get_absolute_url())
        self.assertContains(response, f'href="{approve_url(self.minutes)}"')
        self.assertNotContains(response, f'action="{approve_url(self.minutes)}"')

    def test_query_count(self) -> None:
        client = self.as_("coord")
        client.get(approve_url(self.minutes))
        # Session, user, the coordinator's second factor, the minutes with their meeting
        # and revision, the observations with their authors.
        with self.assertNumQueries(5):
            client.get(approve_url(self.minutes))
