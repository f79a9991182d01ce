"""The public dashboard (/acuerdos/): figures, charts as valid SVG with titles and their data
tables, filters, exports (formula-neutralised), "overdue" in Lima time, the home page; a
fixed number of queries however many commitments there are."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minka.agreements.models import Commitment, Goal, GoalCommitment, Status
from minka.agreements.tests.factories import CommitmentFactory, GoalFactory, link
from minka.core.tests.base import RoleTestCase
from minka.core.visibility import Visibility
from minka.directory.models import Topic

LIMA = ZoneInfo("America/Lima")
SVG = "{http://www.w3.org/2000/svg}"


def many_commitments(count: int, organizations: list, topics: list[Topic]) -> None:  # type: ignore[type-arg]
    """``count`` commitments of every status, visibility and kind of deadline (overdue, due
    soon, later, none), owners and topics mixed: from 60, every combination is there."""
    rng = random.Random(4)
    statuses = list(Status.values)
    visibilities = list(Visibility.values)
    today = timezone.localdate()
    rows = Commitment.objects.bulk_create(
        Commitment(
            title=f"Compromiso masivo {n}",
            status=statuses[n % 4],
            progress=rng.randint(0, 100),
            due_date=None
            if n % 5 == 4
            else today + dt.timedelta(days=(-10, 10, 60, 150)[n % 5] + rng.randint(0, 5)),
            visibility=visibilities[n % 3],
        )
        for n in range(count)
    )
    owners = Commitment.responsible_organizations.through
    topics_through = Commitment.topics.through
    owners.objects.bulk_create(
        owners(commitment_id=c.pk, organization_id=organizations[n % len(organizations)].pk)
        for n, c in enumerate(rows)
    )
    topics_through.objects.bulk_create(
        topics_through(commitment_id=c.pk, topic_id=topics[n % len(topics)].pk)
        for n, c in enumerate(rows)
    )
    goals = [GoalFactory.create(title=f"Meta {n}") for n in range(5)]
    GoalCommitment.objects.bulk_create(
        GoalCommitment(goal=goals[n % 5], commitment=c, weight=1 + n % 3)
        for n, c in enumerate(rows[:500])
    )


def figures_html(response: object) -> str:
    """The cached parts of the dashboard: from the totals to the end of the list."""
    page: str = response.content.decode()  # type: ignore[attr-defined]
    return page[page.index('id="totals-heading"') : page.index("</main>")]


def count_queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200, response.status_code
    return len(queries)


@override_settings(LANGUAGE_CODE="en")
class DashboardTests(RoleTestCase):
    topics: list[Topic]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.topics = [
            Topic.objects.create(name="Ciberseguridad", slug="ciberseguridad"),
            Topic.objects.create(name="Conectividad", slug="conectividad"),
        ]

    def test_the_page_costs_the_same_with_sixty_or_two_thousand_commitments(self) -> None:
        many_commitments(60, [self.org_a, self.org_b], self.topics)
        urls = [
            reverse("agreements:dashboard"),
            reverse("agreements:dashboard") + "?status=pending&topic=conectividad",
            reverse("agreements:dashboard") + "?overdue=1&organization=org-a",
            reverse("site:home"),
        ]
        counts = {
            (persona, url): count_queries(self.as_(persona), url)
            for persona in ("anon", "mem_a")
            for url in urls
        }
        many_commitments(1940, [self.org_a, self.org_b], self.topics)
        for (persona, url), expected in counts.items():
            with self.subTest(persona=persona, url=url):
                self.assertEqual(count_queries(self.as_(persona), url), expected)
        # Pinned: the anonymous dashboard, whatever it holds. Filter choices 2; the lists
        # of overdue and due soon (rows, their topics, organizations and people) and their
        # counts 10; the data's fingerprint 1; the page (count, rows, topics, organizations,
        # people) 5; and, when they are not cached, the figures (commitments, topic and
        # organization links, topics, organizations, goals and their commitments) 7.
        self.assertEqual(counts[("anon", urls[0])], 25)

    def test_the_figures_are_cached_until_the_data_changes(self) -> None:
        many_commitments(60, [self.org_a, self.org_b], self.topics)
        url = reverse("agreements:dashboard")
        anon = self.as_("anon")
        first = figures_html(anon.get(url))
        self.assertEqual(count_queries(anon, url), 3)  # filter choices 2, fingerprint 1
        self.assertEqual(figures_html(anon.get(url)), first)
        # A commitment saved, its owners changed, or a goal's weights: computed again.
        changed = Commitment.objects.filter(visibility=Visibility.PUBLIC).first()
        assert changed is not None
        changed.status = Status.CANCELLED
        changed.save()
        self.assertEqual(count_queries(anon, url), 25)
        self.assertNotEqual(figures_html(anon.get(url)), first)
        changed.responsible_organizations.clear()
        self.assertEqual(count_queries(anon, url), 25)
        GoalCommitment.objects.filter(commitment=changed).update(weight=7)
        self.assertEqual(count_queries(anon, url), 25)  # a weight changes a goal's progress
        # Another viewer level or other filters: figures of their own.
        self.assertEqual(count_queries(self.as_("mem_a"), url), 25 + 5)  # and the session checks
        # (Nothing done is overdue or due soon: those two lists have no owners to fetch.)
        self.assertEqual(count_queries(anon, url + "?status=done"), 25 - 6)

    def test_figures_follow_the_viewer(self) -> None:
        CommitmentFactory.create(status=Status.DONE, owners=[self.org_a])
        CommitmentFactory.create(status=Status.PENDING, visibility=Visibility.MEMBERS)
        board = self.as_("anon").get(reverse("agreements:dashboard")).context["figures"]["board"]
        self.assertEqual(board.total, 1)
        self.assertEqual(board.by_status["done"], 1)
        board = self.as_("mem_b").get(reverse("agreements:dashboard")).context["figures"]["board"]
        self.assertEqual(board.total, 2)

    def test_the_charts_are_valid_svg_with_titles_and_a_data_table(self) -> None:
        many_commitments(40, [self.org_a, self.org_b], self.topics)
        CommitmentFactory.create(
            title="<script>x</script>", owners=[self.org_a], due_date=dt.date(2027, 1, 5)
        )
        page = self.as_("anon").get(reverse("agreements:dashboard")).content.decode()
        svgs = [
            page[start : page.index("</svg>", start) + len("</svg>")]
            for start in [i for i in range(len(page)) if page.startswith("<svg", i)]
        ]
        self.assertGreaterEqual(len(svgs), 4)  # status, topics, organizations, deadlines
        for svg in svgs:
            root = ElementTree.fromstring(svg)  # noqa: S314 - our own SVG, well-formed XML
            self.assertEqual(root.tag, f"{SVG}svg")
            self.assertEqual(root.get("role"), "img")
            title = root.find(f"{SVG}title")
            assert title is not None
            self.assertTrue((title.text or "").strip())
        self.assertNotIn("<script>", page)
        self.assertGreaterEqual(page.count("<caption>"), 4)
        self.assertIn("Conectividad", page)

    def test_filters_narrow_the_list_and_unknown_values_are_ignored(self) -> None:
        CommitmentFactory.create(title="Uno de A", owners=[self.org_a])
        CommitmentFactory.create(title="Uno de B", owners=[self.org_b], status=Status.DONE)
        url = reverse("agreements:dashboard")
        page = self.as_("anon").get(url + "?organization=org-a")
        self.assertEqual([c.title for c in page.context["page"]], ["Uno de A"])
        page = self.as_("anon").get(url + "?status=done")
        self.assertEqual([c.title for c in page.context["page"]], ["Uno de B"])
        for junk in ("?status=%00", "?page=-1", "?overdue=yes&topic=" + "x" * 500, "?goal=1"):
            with self.subTest(junk=junk):
                self.assertEqual(self.as_("anon").get(url + junk).status_code, 200)

    def test_exports_hold_what_the_viewer_sees_and_neutralise_formulas(self) -> None:
        CommitmentFactory.create(title='=HYPERLINK("http://x")', owners=[self.org_a])
        CommitmentFactory.create(title="Reservado miembros", visibility=Visibility.MEMBERS)
        csv_response = self.as_("anon").get(reverse("agreements:export", args=["csv"]))
        self.assertEqual(csv_response.status_code, 200)
        self.assertIn("attachment", csv_response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], '\'=HYPERLINK("http://x")')
        xlsx = self.as_("anon").get(reverse("agreements:export", args=["xlsx"]))
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        cells = [row[0] for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(cells[1], '\'=HYPERLINK("http://x")')
        self.assertEqual(len(cells), 2)
        members = self.as_("mem_b").get(reverse("agreements:export", args=["csv"]))
        self.assertIn("Reservado miembros", members.content.decode("utf-8-sig"))
        self.assertEqual(self.as_("anon").get("/acuerdos/exportar.pdf").status_code, 404)


class OverdueTests(RoleTestCase):
    """Overdue: open, and due before today in Lima, whatever the server's clock zone."""

    def test_overdue_starts_at_midnight_in_lima_not_in_utc(self) -> None:
        commitment = CommitmentFactory.create(due_date=dt.date(2026, 12, 4))
        done = CommitmentFactory.create(due_date=dt.date(2026, 12, 4), status=Status.DONE)
        # 23:30 on 4 December in Lima is already 5 December in UTC: not overdue yet.
        with time_machine.travel(dt.datetime(2026, 12, 4, 23, 30, tzinfo=LIMA), tick=False):
            commitment.refresh_from_db()
            self.assertFalse(commitment.is_overdue)
            self.assertFalse(Commitment.objects.overdue().exists())
            lists = self.as_("anon").get(reverse("agreements:dashboard")).context["lists"]
            self.assertEqual(lists.overdue, [])
        with time_machine.travel(dt.datetime(2026, 12, 5, 0, 30, tzinfo=LIMA), tick=False):
            self.assertTrue(commitment.is_overdue)
            self.assertEqual(list(Commitment.objects.overdue()), [commitment])
            self.assertFalse(done.is_overdue)
            lists = self.as_("anon").get(reverse("agreements:dashboard")).context["lists"]
            self.assertEqual(lists.overdue, [commitment])


@override_settings(LANGUAGE_CODE="en")
class HomeTests(RoleTestCase):
    def test_the_home_page_lists_due_soon_overdue_and_goal_progress(self) -> None:
        today = timezone.localdate()
        CommitmentFactory.create(title="Vence pronto", due_date=today + dt.timedelta(days=10))
        CommitmentFactory.create(title="Vencido", due_date=today - dt.timedelta(days=3))
        CommitmentFactory.create(title="Lejano", due_date=today + dt.timedelta(days=90))
        CommitmentFactory.create(
            title="Vencido reservado",
            due_date=today - dt.timedelta(days=3),
            visibility=Visibility.MEMBERS,
        )
        goal = GoalFactory.create(title="Meta anual")
        result = GoalFactory.create(title="Resultado", parent=goal)
        link(result, CommitmentFactory.create(status=Status.DONE))
        page = self.as_("anon").get(reverse("site:home"))
        self.assertContains(page, "Vence pronto")
        self.assertContains(page, "Vencido")
        self.assertNotContains(page, "Lejano")
        self.assertNotContains(page, "Vencido reservado")
        self.assertContains(page, "Meta anual")
        self.assertContains(page, "100 %")  # through its result
        self.assertNotContains(page, ">Resultado<")  # results show on their goal's page
        self.assertContains(self.as_("mem_a").get(reverse("site:home")), "Vencido reservado")
        self.assertEqual(Goal.objects.count(), 2)
