"""Goals: progress computed from commitments (weighted or not) and from nested results, or
reported directly; only what the viewer may see counts; coordinators manage them."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse

from minka.agreements import selectors, services
from minka.agreements.models import Goal, GoalCommitment, Status
from minka.agreements.tests.factories import CommitmentFactory, GoalFactory, link
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility

ANONYMOUS = AnonymousUser()


def progress_of(goal: Goal, user: object = ANONYMOUS) -> int | None:
    goals = list(Goal.objects.all())
    return selectors.goal_progress(goals, user)[goal.pk].percent  # type: ignore[arg-type]


@override_settings(LANGUAGE_CODE="en")
class ProgressTests(RoleTestCase):
    def test_without_weights_it_is_the_mean_of_its_commitments(self) -> None:
        goal = GoalFactory.create()
        for status, progress in ((Status.DONE, 100), (Status.IN_PROGRESS, 50), ("pending", 0)):
            link(goal, CommitmentFactory.create(status=status, progress=progress))
        self.assertEqual(progress_of(goal), 50)

    def test_weights_count(self) -> None:
        goal = GoalFactory.create()
        link(goal, CommitmentFactory.create(status=Status.DONE, progress=100), weight=3)
        link(goal, CommitmentFactory.create(progress=0), weight=1)
        self.assertEqual(progress_of(goal), 75)

    def test_done_counts_whole_and_cancelled_does_not_count(self) -> None:
        goal = GoalFactory.create()
        # "Done" is complete whatever progress was typed; cancelled leaves the sum.
        link(goal, CommitmentFactory.create(status=Status.DONE, progress=60))
        link(goal, CommitmentFactory.create(status=Status.CANCELLED, progress=0), weight=5)
        self.assertEqual(progress_of(goal), 100)

    def test_nested_results_count_with_their_own_weight(self) -> None:
        year = GoalFactory.create(title="Metas 2026")
        first = GoalFactory.create(parent=year, weight=1)
        second = GoalFactory.create(parent=year, weight=3)
        link(first, CommitmentFactory.create(status=Status.DONE, progress=100))
        link(second, CommitmentFactory.create(progress=20))
        self.assertEqual(progress_of(first), 100)
        self.assertEqual(progress_of(second), 20)
        self.assertEqual(progress_of(year), 40)  # (100 × 1 + 20 × 3) / 4
        # A grandchild counts through its parent.
        deeper = GoalFactory.create(parent=second, weight=1, mode=Goal.Mode.REPORTED)
        Goal.objects.filter(pk=deeper.pk).update(reported_progress=100)
        self.assertEqual(progress_of(second), 60)
        self.assertEqual(progress_of(year), 70)

    def test_a_reported_goal_gives_its_own_figure(self) -> None:
        goal = GoalFactory.create(mode=Goal.Mode.REPORTED, reported_progress=35)
        link(goal, CommitmentFactory.create(status=Status.DONE, progress=100))
        self.assertEqual(progress_of(goal), 35)

    def test_nothing_to_count_is_no_figure_not_zero(self) -> None:
        self.assertIsNone(progress_of(GoalFactory.create()))

    def test_only_what_the_viewer_may_see_counts(self) -> None:
        goal = GoalFactory.create()
        link(goal, CommitmentFactory.create(progress=0))
        link(goal, CommitmentFactory.create(status=Status.DONE, visibility=Visibility.MEMBERS))
        self.assertEqual(progress_of(goal), 0)
        self.assertEqual(progress_of(goal, self.mem_b), 50)

    def test_a_goal_cannot_be_part_of_itself(self) -> None:
        parent = GoalFactory.create()
        child = GoalFactory.create(parent=parent)
        with self.assertRaisesMessage(Exception, "cannot be part of itself"):
            services.goal_update(actor=self.coord, goal=parent, data={"parent": child})
        parent.refresh_from_db()
        self.assertIsNone(parent.parent)


@override_settings(LANGUAGE_CODE="en")
class GoalViewTests(RoleTestCase):
    def data(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "title": "Agenda digital 2027",
            "weight": "1",
            "indicator": "Compromisos cumplidos",
            "unit": "%",
            "baseline": "0",
            "target": "100",
            "period_start": "2027-01-01",
            "deadline": "2027-12-31",
            "mode": "computed",
            "visibility": "public",
            "responsible_organizations": [self.org_a.pk],
        }
        data.update(changes)
        return data

    def test_a_coordinator_creates_a_goal_and_a_result_and_weighs_commitments(self) -> None:
        client = self.as_("coord")
        response = client.post(reverse("agreements:goal-create"), self.data())
        goal = Goal.objects.get()
        self.assertRedirects(response, goal.get_absolute_url())
        client.post(
            reverse("agreements:goal-create"),
            self.data(title="Primer trimestre", parent=goal.pk, weight="2"),
        )
        result = Goal.objects.get(parent=goal)
        done = CommitmentFactory.create(status=Status.DONE, progress=100)
        pending = CommitmentFactory.create()
        url = reverse("agreements:goal-commitments", args=[result.public_id])
        response = client.post(url, {f"w{done.pk}": "3", f"w{pending.pk}": "1"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            dict(GoalCommitment.objects.values_list("commitment_id", "weight")),
            {done.pk: 3, pending.pk: 1},
        )
        page = self.as_("anon").get(goal.get_absolute_url())
        self.assertContains(page, "Primer trimestre")
        self.assertContains(page, "75 %")
        # Weight 0 takes a commitment out.
        client.post(url, {f"w{done.pk}": "0", f"w{pending.pk}": "1"})
        self.assertEqual(list(result.commitments.all()), [pending])

    def test_bad_input_is_refused_and_changes_nothing(self) -> None:
        for data in (
            self.data(title=""),
            self.data(mode="reported"),  # reported without a figure
            self.data(deadline="2026-01-01"),  # before the period starts
            self.data(weight="0"),
            self.data(target="lots"),
        ):
            with self.subTest(data=data):
                response = self.as_("coord").post(reverse("agreements:goal-create"), data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(Goal.objects.exists())

    def test_only_coordinators_manage_goals(self) -> None:
        goal = GoalFactory.create(title="Sin cambios")
        for persona, status in {"anon": 302, "reg": 403, "mem_a": 403, "mem_b": 403}.items():
            with self.subTest(persona=persona):
                client = self.as_(persona)
                for url in (
                    reverse("agreements:goal-create"),
                    reverse("agreements:goal-edit", args=[goal.public_id]),
                    reverse("agreements:goal-commitments", args=[goal.public_id]),
                ):
                    self.assertEqual(client.post(url, self.data()).status_code, status)
        goal.refresh_from_db()
        self.assertEqual(goal.title, "Sin cambios")
        self.assertEqual(Goal.objects.count(), 1)

    def test_goals_are_shown_as_their_visibility_allows(self) -> None:
        members = GoalFactory.create(title="Meta de miembros", visibility=Visibility.MEMBERS)
        for persona, status in {"anon": 404, "reg": 404, "mem_b": 200, "coord": 200}.items():
            with self.subTest(persona=persona):
                response = self.as_(persona).get(members.get_absolute_url())
                self.assertEqual(response.status_code, status)
        self.assertNotContains(self.as_("anon").get(reverse("agreements:dashboard")), "Meta de")
        self.assertContains(self.as_("mem_a").get(reverse("agreements:dashboard")), "Meta de")
