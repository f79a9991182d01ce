"""Views of the date polls for every persona: the list, a poll's page and its results, the
new-poll form (and its refusals), answering (rate limited), choosing and cancelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minka.accounts.models import User
from minka.accounts.tests.factories import UserFactory
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.meetings.models import Meeting
from minka.participation.polls import views
from minka.participation.polls.forms import DATETIME_FORMAT
from minka.participation.polls.models import Answer, DateAnswer, DateOption, DatePoll
from minka.participation.polls.tests.factories import DatePollFactory, future

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def local(value: Any) -> str:
    return timezone.localtime(value).strftime(DATETIME_FORMAT)


def answers_for(poll: DatePoll, *values: str) -> dict[str, str]:
    options = poll.options.order_by("starts_at", "pk")
    return {f"o{o.pk}": v for o, v in zip(options, values, strict=True)}


def add_respondents(poll: DatePoll, count: int) -> None:
    for n in range(count):
        user = UserFactory.create(role=User.Role.MEMBER, full_name=f"Respondiente {n}")
        for option in poll.options.all():
            DateAnswer.objects.create(option=option, user=user, answer=Answer.YES)


@override_settings(LANGUAGE_CODE="en")
class ListAndDetailTests(RoleTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.members = DatePollFactory.create(title="Encuesta interna")
        self.public = DatePollFactory.create(
            title="Encuesta abierta",
            visibility=Visibility.PUBLIC,
            online_url="https://reunion.example.org/sala-secreta",
        )
        add_respondents(self.public, 1)

    def test_the_list_shows_each_persona_what_they_may_see(self) -> None:
        for persona in ("anon", "reg"):
            page = self.as_(persona).get(reverse("participation:datepoll-list"))
            self.assertContains(page, "Encuesta abierta")
            self.assertNotContains(page, "Encuesta interna")
        for persona in ("mem_a", "mem_b", "coord", "admin"):
            page = self.as_(persona).get(reverse("participation:datepoll-list"))
            self.assertContains(page, "Encuesta abierta")
            self.assertContains(page, "Encuesta interna")
        self.assertContains(
            self.as_("coord").get(reverse("participation:datepoll-list")),
            reverse("participation:datepoll-create"),
        )
        self.assertNotContains(
            self.as_("mem_a").get(reverse("participation:datepoll-list")),
            reverse("participation:datepoll-create"),
        )

    def test_a_members_poll_is_not_found_by_visitors_and_registered_users(self) -> None:
        url = self.members.get_absolute_url()
        for persona in ("anon", "reg"):
            self.assertEqual(self.as_(persona).get(url).status_code, 404)
        for persona in ("mem_a", "mem_b", "coord", "admin"):
            self.assertContains(self.as_(persona).get(url), "Encuesta interna")

    def test_a_public_poll_shows_counts_to_all_and_names_and_link_to_members(self) -> None:
        url = self.public.get_absolute_url()
        for persona in ("anon", "reg"):
            page = self.as_(persona).get(url)
            self.assertContains(page, "1 person answered.")
            self.assertNotContains(page, "Respondiente 0")
            self.assertNotContains(page, "sala-secreta")
        page = self.as_("mem_b").get(url)
        self.assertContains(page, "Respondiente 0")
        self.assertContains(page, "sala-secreta")

    def test_visitors_are_asked_to_sign_in_and_signed_in_users_get_the_form(self) -> None:
        url = self.public.get_absolute_url()
        anon = self.as_("anon").get(url)
        self.assertContains(anon, "Sign in to answer")
        self.assertNotContains(
            anon, reverse("participation:datepoll-answer", args=[self.public.public_id])
        )
        for persona in ("reg", "mem_a", "coord"):
            self.assertContains(self.as_(persona).get(url), "Save my answers")

    def test_only_coordinators_see_the_choice_and_the_cancellation(self) -> None:
        url = self.public.get_absolute_url()
        choose = reverse("participation:datepoll-choose", args=[self.public.public_id])
        for persona in ("anon", "reg", "mem_a"):
            self.assertNotContains(self.as_(persona).get(url), choose)
        for persona in ("coord", "admin"):
            self.assertContains(self.as_(persona).get(url), choose)

    def test_the_best_date_is_highlighted_in_the_table(self) -> None:
        page = self.as_("mem_a").get(self.public.get_absolute_url())
        self.assertContains(page, '<tr class="best">', count=1)
        self.assertContains(page, "Best date")

    def test_the_list_runs_a_fixed_number_of_queries(self) -> None:
        client = self.as_("mem_a")
        client.get(reverse("participation:datepoll-list"))
        with self.assertNumQueries(4) as before:
            client.get(reverse("participation:datepoll-list"))
        for _ in range(6):
            DatePollFactory.create(options=[future(d) for d in range(10, 22)])
        with self.assertNumQueries(len(before.captured_queries)):
            client.get(reverse("participation:datepoll-list"))

    def test_the_poll_page_runs_a_fixed_number_of_queries(self) -> None:
        client = self.as_("mem_a")
        url = self.members.get_absolute_url()
        client.get(url)
        with self.assertNumQueries(6) as before:
            client.get(url)
        for d in range(30, 39):
            DateOption.objects.create(poll=self.members, starts_at=future(d), position=d)
        add_respondents(self.members, 8)
        with self.assertNumQueries(len(before.captured_queries)):
            page = client.get(url)
        self.assertContains(page, "8 people answered.")

    def test_stored_markup_in_the_title_and_description_is_shown_as_text(self) -> None:
        poll = DatePollFactory.create(
            title=XSS, description=f"**Importante** {XSS} [x](javascript:alert(1))"
        )
        page = self.as_("mem_a").get(poll.get_absolute_url())
        body = page.content.decode()
        self.assertNotIn("<script>alert", body)
        self.assertNotIn("<img src=x", body)
        self.assertNotIn('href="javascript', body)
        self.assertIn("&lt;script&gt;", body)
        self.assertIn("<strong>Importante</strong>", body)
        listed = self.as_("mem_a").get(reverse("participation:datepoll-list")).content.decode()
        self.assertNotIn("<script>alert", listed)


@override_settings(LANGUAGE_CODE="en")
class CreateViewTests(RoleTestCase):
    url = reverse("participation:datepoll-create")

    def data(self, **extra: Any) -> dict[str, Any]:
        data = {
            "title": "Reunión de abril",
            "description": "",
            "visibility": Visibility.MEMBERS,
            "modality": "in_person",
            "place": "Lima",
            "duration_minutes": "120",
            "option_1": local(future(10)),
            "option_2": local(future(11)),
            "option_3": "",
        }
        data.update(extra)
        return data

    def test_who_may_open_the_form(self) -> None:
        self.assertEqual(self.as_("anon").get(self.url).status_code, 302)
        for persona in ("reg", "mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).get(self.url).status_code, 403)
            self.assertEqual(self.as_(persona).post(self.url, self.data()).status_code, 403)
        self.assertFalse(DatePoll.objects.exists())
        for persona in ("coord", "admin"):
            self.assertContains(self.as_(persona).get(self.url), 'type="datetime-local"')

    def test_a_coordinator_opens_a_poll(self) -> None:
        response = self.as_("coord").post(self.url, self.data())
        poll = DatePoll.objects.get()
        self.assertRedirects(response, poll.get_absolute_url())
        self.assertEqual(poll.options.count(), 2)
        self.assertEqual(poll.created_by, self.coord)
        first = poll.options.order_by("starts_at").first()
        assert first is not None
        self.assertEqual(first.starts_at, future(10))

    def refused(self, message: str, **extra: Any) -> None:
        response = self.as_("coord").post(self.url, self.data(**extra))
        self.assertContains(response, message, status_code=400)
        self.assertFalse(DatePoll.objects.exists())
        self.assertFalse(DateOption.objects.exists())

    def test_a_date_in_the_past_is_refused(self) -> None:
        self.refused("has already passed", option_2=local(timezone.now() - timedelta(days=2)))

    def test_duplicate_dates_are_refused(self) -> None:
        self.refused("is proposed twice", option_2=local(future(10)), option_3=local(future(12)))

    def test_fewer_than_two_dates_are_refused(self) -> None:
        self.refused("This field is required", option_2="")

    def test_closing_before_now_is_refused(self) -> None:
        self.refused(
            "The closing time must be in the future.",
            closes_at=local(timezone.now() - timedelta(hours=3)),
        )

    def test_a_malformed_date_or_a_title_too_long_is_refused(self) -> None:
        self.refused("Enter a valid date/time", option_1="mañana")
        self.refused("at most 200 characters", title="x" * 201)

    def test_a_coordinators_only_visibility_is_not_offered(self) -> None:
        self.refused("Select a valid choice", visibility=Visibility.COORDINATORS)


@override_settings(LANGUAGE_CODE="en")
class AnswerViewTests(RoleTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.poll = DatePollFactory.create(visibility=Visibility.PUBLIC)
        self.url = reverse("participation:datepoll-answer", args=[self.poll.public_id])

    def test_a_member_answers_and_changes_the_answers(self) -> None:
        client = self.as_("mem_a")
        response = client.post(self.url, answers_for(self.poll, "yes", "maybe", "no"))
        self.assertRedirects(response, self.poll.get_absolute_url())
        client.post(self.url, answers_for(self.poll, "no", "no", "yes"))
        got = DateAnswer.objects.filter(user=self.mem_a).order_by("option__starts_at")
        self.assertEqual([a.answer for a in got], ["no", "no", "yes"])
        page = client.get(self.poll.get_absolute_url())
        self.assertContains(page, "Change your answers")

    def test_a_registered_user_answers_a_public_poll(self) -> None:
        response = self.as_("reg").post(self.url, answers_for(self.poll, "yes", "yes", "no"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DateAnswer.objects.filter(user=self.reg).count(), 3)

    def test_visitors_are_sent_to_sign_in_and_nothing_is_saved(self) -> None:
        response = self.as_("anon").post(self.url, answers_for(self.poll, "yes", "yes", "no"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        self.assertFalse(DateAnswer.objects.exists())

    def test_a_members_poll_is_not_found_by_a_registered_user(self) -> None:
        poll = DatePollFactory.create()
        url = reverse("participation:datepoll-answer", args=[poll.public_id])
        for persona in ("anon", "reg"):
            response = self.as_(persona).post(url, answers_for(poll, "yes", "yes", "no"))
            self.assertEqual(response.status_code, 404)
        self.assertFalse(DateAnswer.objects.exists())

    def test_a_missing_or_unknown_answer_is_refused_and_nothing_saved(self) -> None:
        client = self.as_("mem_a")
        incomplete = answers_for(self.poll, "yes", "yes", "no")
        incomplete.popitem()
        self.assertContains(
            client.post(self.url, incomplete), "This field is required", status_code=400
        )
        wrong = answers_for(self.poll, "yes", "yes", "perhaps")
        self.assertEqual(client.post(self.url, wrong).status_code, 400)
        self.assertFalse(DateAnswer.objects.exists())

    def test_answers_to_a_closed_poll_are_refused(self) -> None:
        DatePoll.objects.filter(pk=self.poll.pk).update(status=DatePoll.Status.CANCELLED)
        response = self.as_("mem_a").post(self.url, answers_for(self.poll, "yes", "yes", "no"))
        self.assertContains(response, "This poll is closed", status_code=400)
        self.assertFalse(DateAnswer.objects.exists())

    def test_the_answers_are_rate_limited_per_account(self) -> None:
        """N+1 answers in the window: 429 with Retry-After, and that answer is not saved."""
        client = self.as_("mem_a")
        with mock.patch.object(views, "ANSWER_RATE_LIMIT", 3):
            for _ in range(3):
                response = client.post(self.url, answers_for(self.poll, "yes", "yes", "yes"))
                self.assertEqual(response.status_code, 302)
            refused = client.post(self.url, answers_for(self.poll, "no", "no", "no"))
            self.assertEqual(refused.status_code, 429)
            self.assertGreater(int(refused["Retry-After"]), 0)
            # Another account has its own allowance.
            other = self.as_("mem_b").post(self.url, answers_for(self.poll, "no", "no", "no"))
            self.assertEqual(other.status_code, 302)
        mine = DateAnswer.objects.filter(user=self.mem_a)
        self.assertEqual(set(mine.values_list("answer", flat=True)), {"yes"})


@override_settings(LANGUAGE_CODE="en")
class ChooseAndCancelViewTests(RoleTestCase):
    def setUp(self) -> None:
        self.poll = DatePollFactory.create()
        self.option = self.poll.options.order_by("starts_at")[0]
        self.choose = reverse("participation:datepoll-choose", args=[self.poll.public_id])
        self.cancel = reverse("participation:datepoll-cancel", args=[self.poll.public_id])
        self.as_("mem_a").post(
            reverse("participation:datepoll-answer", args=[self.poll.public_id]),
            answers_for(self.poll, "yes", "no", "no"),
        )

    def test_only_coordinators_choose(self) -> None:
        data = {"option": str(self.option.pk)}
        self.assertEqual(self.as_("anon").post(self.choose, data).status_code, 302)
        for persona in ("reg", "mem_a", "mem_b"):
            self.assertEqual(self.as_(persona).post(self.choose, data).status_code, 403)
        self.assertFalse(Meeting.objects.exists())

    def test_choosing_schedules_the_meeting_and_the_poll_links_it(self) -> None:
        response = self.as_("coord").post(self.choose, {"option": str(self.option.pk)})
        meeting = Meeting.objects.get()
        self.assertRedirects(response, meeting.get_absolute_url(), fetch_redirect_response=False)
        page = self.as_("mem_a").get(self.poll.get_absolute_url())
        self.assertContains(page, meeting.get_absolute_url())
        self.assertNotContains(page, "Save my answers")
        again = self.as_("admin").post(self.choose, {"option": str(self.option.pk)})
        self.assertContains(again, "A date was already chosen", status_code=400)
        self.assertEqual(Meeting.objects.count(), 1)

    def test_a_bad_option_is_refused(self) -> None:
        for data in ({}, {"option": "abc"}, {"option": "999999"}):
            response = self.as_("coord").post(self.choose, data)
            self.assertContains(response, "Choose one of this poll", status_code=400)
        self.assertFalse(Meeting.objects.exists())

    def test_cancelling_asks_first_then_cancels(self) -> None:
        self.assertEqual(self.as_("mem_a").post(self.cancel).status_code, 403)
        self.assertContains(self.as_("coord").get(self.cancel), "Cancel the poll")
        self.assertRedirects(self.as_("coord").post(self.cancel), self.poll.get_absolute_url())
        self.poll.refresh_from_db()
        self.assertEqual(self.poll.status, DatePoll.Status.CANCELLED)
        response = self.as_("coord").post(self.choose, {"option": str(self.option.pk)})
        self.assertContains(response, "This poll was cancelled", status_code=400)
        self.assertFalse(Meeting.objects.exists())
