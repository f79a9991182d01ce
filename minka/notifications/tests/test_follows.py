"""Following a meeting series, a topic or an organization: the registry, the owning apps'
lookups, the follow view and the buttons on the pages."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse

from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.models import Organization, Topic
from minka.directory.tests.factories import OrganizationFactory
from minka.meetings.tests.factories import SeriesFactory
from minka.notifications import follows, services
from minka.notifications.follows import (
    FollowTarget,
    follow_target_find,
    follow_target_get,
    follow_target_register,
)
from minka.notifications.models import Follow

URL = reverse("notifications:follow")
PREFERENCES = reverse("notifications:preferences")
SERIES = "meetings.series"
TOPIC = "directory.topic"
ORGANIZATION = "directory.organization"


class RegistryTests(RoleTestCase):
    def test_the_three_types_are_registered_by_their_apps(self) -> None:
        for target_type in (SERIES, TOPIC, ORGANIZATION):
            self.assertEqual(follow_target_get(target_type).type, target_type)

    def test_an_unknown_type_is_a_lookup_error(self) -> None:
        with self.assertRaisesMessage(LookupError, "'nope.thing'"):
            follow_target_get("nope.thing")
        self.assertIsNone(follow_target_find("nope.thing", 1, self.admin))

    def test_registering_again_replaces(self) -> None:
        with mock.patch.dict(follows._targets):
            target = FollowTarget(
                type=SERIES,
                label="x",
                lookup=lambda ids, user: {},
                follow_text="f",
                following_text="g",
            )
            follow_target_register(target)
            self.assertIs(follow_target_get(SERIES), target)
        self.assertIsNot(follow_target_get(SERIES), target)

    def test_the_series_lookup_returns_only_what_the_person_may_see(self) -> None:
        public = SeriesFactory.create(title="Mesa abierta", slug="abierta")
        members = SeriesFactory.create(title="Mesa de socios", visibility=Visibility.MEMBERS)
        coord = SeriesFactory.create(
            title="Mesa de coordinación", visibility=Visibility.COORDINATORS
        )
        lookup = follow_target_get(SERIES).lookup
        ids = [public.pk, members.pk, coord.pk, 999_999]
        expected = {
            "reg": {public.pk},
            "mem_b": {public.pk, members.pk},
            "coord": {public.pk, members.pk, coord.pk},
        }
        for persona, visible in expected.items():
            with self.subTest(persona):
                self.assertEqual(set(lookup(ids, getattr(self, persona))), visible)
        title, url = lookup([public.pk], self.reg)[public.pk]
        self.assertEqual(title, "Mesa abierta")
        self.assertEqual(url, reverse("meetings:meeting-list") + "?series=abierta")

    def test_the_organization_lookup_hides_applicants_from_non_members(self) -> None:
        applicant = OrganizationFactory.create(
            name="Postulante", membership_status=Organization.MembershipStatus.APPLICANT
        )
        lookup = follow_target_get(ORGANIZATION).lookup
        ids = [self.org_a.pk, applicant.pk]
        self.assertEqual(set(lookup(ids, self.reg)), {self.org_a.pk})
        self.assertEqual(set(lookup(ids, self.mem_b)), {self.org_a.pk, applicant.pk})
        self.assertEqual(
            lookup([self.org_a.pk], self.reg)[self.org_a.pk],
            (self.org_a.name, self.org_a.get_absolute_url()),
        )

    def test_the_topic_lookup_leads_to_the_repository_filtered_by_the_topic(self) -> None:
        topic = Topic.objects.create(name="Salud", slug="salud")
        lookup = follow_target_get(TOPIC).lookup
        self.assertEqual(
            lookup([topic.pk, 999_999], AnonymousUser()),
            {topic.pk: ("Salud", reverse("documents:document-list") + "?topic=salud")},
        )

    def test_a_lookup_runs_one_query_whatever_the_number_of_ids(self) -> None:
        ids = [SeriesFactory.create().pk for _n in range(10)]
        with self.assertNumQueries(1):
            follow_target_get(SERIES).lookup(ids, self.mem_a)


@override_settings(LANGUAGE_CODE="en")
class FollowViewTests(RoleTestCase):
    def setUp(self) -> None:
        self.series = SeriesFactory.create(title="Mesa abierta", slug="abierta")
        self.members = SeriesFactory.create(title="Mesa de socios", visibility=Visibility.MEMBERS)
        self.hidden = SeriesFactory.create(
            title="Mesa de coordinación", visibility=Visibility.COORDINATORS
        )

    def data(self, target_id: int | None = None, **extra: str) -> dict[str, str]:
        return {"type": SERIES, "id": str(target_id or self.series.pk), **extra}

    def follows(self, persona: str) -> set[tuple[str, int]]:
        user = getattr(self, persona)
        return set(Follow.objects.filter(user=user).values_list("target_type", "target_id"))

    def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(self) -> None:
        response = self.as_("anon").post(URL, self.data())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        self.assertFalse(Follow.objects.exists())

    def test_only_post_is_allowed(self) -> None:
        self.assertEqual(self.as_("mem_a").get(URL, self.data()).status_code, 405)

    def test_every_signed_in_persona_follows_and_unfollows_a_public_series(self) -> None:
        for persona in ("reg", "mem_a", "mem_b", "coord", "admin"):
            with self.subTest(persona):
                client = self.as_(persona)
                response = client.post(URL, self.data(next="/reuniones/?series=abierta"))
                self.assertRedirects(
                    response, "/reuniones/?series=abierta", fetch_redirect_response=False
                )
                self.assertEqual(self.follows(persona), {(SERIES, self.series.pk)})
                client.post(URL, self.data())  # without an action: the opposite of now
                self.assertEqual(self.follows(persona), set())

    def test_explicit_actions_do_not_toggle_on_a_double_click(self) -> None:
        client = self.as_("mem_a")
        for _n in range(2):
            client.post(URL, self.data(action="follow"))
        self.assertEqual(self.follows("mem_a"), {(SERIES, self.series.pk)})
        for _n in range(2):
            client.post(URL, self.data(action="unfollow"))
        self.assertEqual(self.follows("mem_a"), set())

    def test_following_feeds_the_follower_ids_of_the_outbox(self) -> None:
        self.as_("mem_a").post(URL, self.data(action="follow"))
        self.assertEqual(services.follower_ids((SERIES, self.series.pk)), {self.mem_a.pk})

    def test_the_message_names_the_target_and_the_default_return_is_the_page(self) -> None:
        response = self.as_("mem_a").post(URL, self.data(action="follow"), follow=True)
        self.assertRedirects(response, PREFERENCES)
        self.assertContains(response, "You follow “Mesa abierta”")

    def test_a_series_the_person_may_not_see_answers_404_and_nothing_changes(self) -> None:
        cases = {
            "reg": [self.members.pk, self.hidden.pk],
            "mem_a": [self.hidden.pk],
            "mem_b": [self.hidden.pk],
        }
        for persona, ids in cases.items():
            for target_id in ids:
                with self.subTest(persona=persona, target=target_id):
                    response = self.as_(persona).post(URL, self.data(target_id, action="follow"))
                    self.assertEqual(response.status_code, 404)
                    self.assertNotContains(response, "Mesa", status_code=404)
        self.assertFalse(Follow.objects.exists())

    def test_members_and_coordinators_follow_what_they_may_see(self) -> None:
        self.as_("mem_b").post(URL, self.data(self.members.pk, action="follow"))
        self.as_("coord").post(URL, self.data(self.hidden.pk, action="follow"))
        self.assertEqual(self.follows("mem_b"), {(SERIES, self.members.pk)})
        self.assertEqual(self.follows("coord"), {(SERIES, self.hidden.pk)})

    def test_a_tampered_target_answers_404_and_nothing_changes(self) -> None:
        for data in (
            {"type": "accounts.user", "id": str(self.reg.pk)},
            {"type": SERIES, "id": "999999"},
            {"type": ORGANIZATION, "id": "999999"},
            {"type": TOPIC, "id": "999999"},
        ):
            with self.subTest(data=data):
                self.assertEqual(self.as_("admin").post(URL, data).status_code, 404)
        self.assertFalse(Follow.objects.exists())

    def test_malformed_input_is_refused_with_400_and_nothing_changes(self) -> None:
        for data in (
            {},
            {"type": SERIES},
            {"type": SERIES, "id": "abc"},
            {"type": SERIES, "id": "-3"},
            {"type": SERIES, "id": "99999999999999999999999"},
            {"type": "x" * 41, "id": "1"},
            {**self.data(), "action": "delete"},
        ):
            with self.subTest(data=data):
                response = self.as_("mem_a").post(URL, data)
                self.assertContains(
                    response, "This button is incomplete or was changed.", status_code=400
                )
        self.assertFalse(Follow.objects.exists())

    def test_a_next_outside_the_site_is_refused_and_nothing_changes(self) -> None:
        for unsafe in (
            "https://evil.example/",
            "//evil.example/",
            "javascript:alert(1)",
            "http://testserver.evil.example/",
            "/\\evil.example",
        ):
            with self.subTest(next=unsafe):
                response = self.as_("mem_a").post(URL, self.data(next=unsafe))
                self.assertContains(response, "leads outside the site", status_code=400)
        self.assertFalse(Follow.objects.exists())

    def test_a_follow_of_a_series_hidden_since_can_still_be_removed(self) -> None:
        Follow.objects.create(user=self.reg, target_type=SERIES, target_id=self.hidden.pk)
        response = self.as_("reg").post(URL, self.data(self.hidden.pk, action="unfollow"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.follows("reg"), set())
        # but not followed again
        response = self.as_("reg").post(URL, self.data(self.hidden.pk, action="follow"))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.follows("reg"), set())

    def test_removing_someone_else_s_follow_is_impossible(self) -> None:
        """The view acts on the signed-in person's own follows only."""
        Follow.objects.create(user=self.mem_a, target_type=SERIES, target_id=self.series.pk)
        self.as_("mem_b").post(URL, self.data(action="unfollow"))
        self.assertEqual(self.follows("mem_a"), {(SERIES, self.series.pk)})


@override_settings(LANGUAGE_CODE="en")
class FollowButtonTests(RoleTestCase):
    def test_the_organization_page_has_the_button_for_signed_in_people(self) -> None:
        url = self.org_a.get_absolute_url()
        self.assertNotContains(self.as_("anon").get(url), "Follow this organization")
        for persona in ("reg", "mem_a", "mem_b", "coord", "admin"):
            with self.subTest(persona):
                response = self.as_(persona).get(url)
                self.assertContains(response, "Follow this organization")
                self.assertContains(response, f'<input type="hidden" name="next" value="{url}">')

    def test_the_button_follows_then_offers_to_stop(self) -> None:
        url = self.org_a.get_absolute_url()
        client = self.as_("mem_b")
        page = client.get(url).content.decode()
        self.assertIn(f'name="id" value="{self.org_a.pk}"', page)
        response = client.post(
            URL,
            {"type": ORGANIZATION, "id": self.org_a.pk, "action": "follow", "next": url},
            follow=True,
        )
        self.assertRedirects(response, url)
        self.assertContains(response, "You follow this organization.")
        self.assertContains(response, "Stop following")
        self.assertContains(response, 'name="action" value="unfollow"')

    def test_the_meetings_list_of_a_series_has_the_button(self) -> None:
        series = SeriesFactory.create(slug="mesa")
        base = reverse("meetings:meeting-list")
        self.assertNotContains(self.as_("mem_a").get(base), "Follow this meeting series")
        self.assertNotContains(
            self.as_("anon").get(base, {"series": "mesa"}), "Follow this meeting series"
        )
        response = self.as_("mem_a").get(base, {"series": "mesa"})
        self.assertContains(response, "Follow this meeting series")
        self.assertContains(response, f'name="id" value="{series.pk}"')
        # the htmx fragment (filters applied without reloading) carries it too
        fragment = self.as_("mem_a").get(base, {"series": "mesa"}, headers={"HX-Request": "true"})
        self.assertContains(fragment, "Follow this meeting series")
        self.assertNotContains(fragment, "<html")

    def test_the_repository_filtered_by_a_topic_has_the_button(self) -> None:
        topic = Topic.objects.create(name="Salud", slug="salud")
        base = reverse("documents:document-list")
        self.assertNotContains(self.as_("mem_a").get(base), "Follow this topic")
        response = self.as_("reg").get(base, {"topic": "salud"})
        self.assertContains(response, "Follow this topic")
        self.assertContains(response, f'name="id" value="{topic.pk}"')
        self.assertNotContains(self.as_("anon").get(base, {"topic": "salud"}), "Follow this topic")
