"""Agreements benchmark: the dashboard ``/acuerdos/`` at 5,000 commitments and 200 goals.

Generates, with bulk inserts, a directory of ``--organizations`` organizations (members, some
applicants and former members, and three outside bodies such as the CODESI), 7 topics and 40
people; ``--meetings`` held meetings with published minutes (as ``bench/search.py`` makes
them); ``--commitments`` commitments (a share of them born from the agreements of those
minutes) with mixed status, visibility, progress and due dates from 18 months ago to a year
ahead (Lima time), one to three responsible organizations, zero to two topics and sometimes a
responsible person; ``--updates`` progress updates; and ``--goals`` goals on three levels (a
quarter top goals, half their results, a quarter results of those), computed or reported,
each counting about ten commitments with weights.

Then it requests the dashboard through Django's test client, anonymously and as a member,
unfiltered, with ``?status=pending`` and with ``?overdue=1``, and the home page (which shows
goals and deadlines too): ``--warmup`` requests, one counted with ``CaptureQueriesContext``
(queries, their time), then ``--runs`` timed ones; it prints median, p95 and max server time,
queries, response size (raw and gzip) and the share of inline SVG, then where the time of the
slowest dashboard request goes (each step of the view, its SQL, and the slowest queries), what
opening a database connection costs (paid on every request with ``MINKA_DB_CONN_MAX_AGE=0``,
which the test client does not show), the engine and the machine with its load::

    MINKA_TESTING=1 .venv/bin/python bench/agreements.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minka MINKA_TESTING=1 \\
        .venv/bin/python bench/agreements.py

Without ``DATABASE_URL`` it uses a throw-away SQLite file; with a PostgreSQL URL it creates and
then drops a ``bench_agreements_<name>`` database. Target (issue): p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import os
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from django.test import Client

    from minka.directory.models import Organization, Person, Topic
    from minka.meetings.minutes.models import Minutes

TARGET_MS = 50.0
TOPICS = [
    ("Conectividad", "conectividad"),
    ("Derechos digitales", "derechos"),
    ("Gobernanza de internet", "gobernanza"),
    ("Educación digital", "educacion"),
    ("Seguridad digital", "seguridad"),
    ("Inclusión", "inclusion"),
    ("Datos abiertos", "datos-abiertos"),
]
OUTSIDE_BODIES = [
    ("Comisión Multisectorial de Desarrollo de la Sociedad de la Información", "CODESI"),
    ("Ministerio de Transportes y Comunicaciones", "MTC"),
    ("Organismo Supervisor de Inversión Privada en Telecomunicaciones", "OSIPTEL"),
]
ORGANIZATION_KINDS = ["Asociación", "Colectivo", "Fundación", "Red", "Instituto", "Centro"]
ORGANIZATION_FOCUS = [
    "Digital",
    "Comunitaria",
    "Andina",
    "Amazónica",
    "por la Conectividad",
    "de Tecnologías Libres",
    "de Derechos Digitales",
    "de Radios Comunitarias",
]
REGIONS = ["Cusco", "Puno", "Loreto", "Ucayali", "Piura", "Arequipa", "Junín", "Ayacucho", "Lima"]
FIRST_NAMES = ["Ana", "Luis", "Rosa", "Jorge", "Carmen", "Pedro", "Lucía", "Miguel", "Elena"]
LAST_NAMES = ["Quispe", "Mamani", "Flores", "Huamán", "Rojas", "Torres", "Vargas", "Chávez"]
ACTIONS = ["Elaborar", "Presentar", "Coordinar", "Publicar", "Enviar", "Revisar", "Organizar"]
THINGS = [
    "el informe sobre",
    "una propuesta de",
    "el taller de",
    "la consulta sobre",
    "el diagnóstico de",
    "la hoja de ruta de",
    "los comentarios al reglamento de",
]
SUBJECTS = [
    "conectividad rural",
    "ciberseguridad",
    "protección de datos personales",
    "la red dorsal",
    "alfabetización digital",
    "telemedicina en postas",
    "radios comunitarias",
    "gobierno digital",
    "cobertura móvil en la Amazonía",
]
UNITS = ["%", "localidades", "personas capacitadas", "informes", "escuelas conectadas"]
# Shares of commitments by status, visibility and number of responsible organizations.
STATUS_WEIGHTS = {"pending": 30, "in_progress": 30, "done": 30, "cancelled": 10}
VISIBILITY_WEIGHTS = {"public": 75, "members": 20, "coordinators": 5}

# (who, path): an anonymous visitor or a signed-in member.
SCENARIOS: list[tuple[str, str]] = [
    ("anonymous", "/acuerdos/"),
    ("member", "/acuerdos/"),
    ("anonymous", "/acuerdos/?status=pending"),
    ("member", "/acuerdos/?status=pending"),
    ("anonymous", "/acuerdos/?overdue=1"),
    ("member", "/acuerdos/?overdue=1"),
    ("anonymous", "/"),
    ("member", "/"),
    # The figures recomputed on every request (the cache emptied before each): what the
    # first request after a change costs.
    ("anonymous", "/acuerdos/ cold"),
    ("member", "/acuerdos/ cold"),
]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


# --- Data ---------------------------------------------------------------------------------------


@dataclass
class Directory:
    organizations: list[Organization]
    topics: list[Topic]
    people: list[Person]


def make_directory(rng: random.Random, organizations: int = 30, people: int = 40) -> Directory:
    """Create ``organizations`` organizations (three outside bodies, one of them a body with a
    mandate; then, of the rest, one in six applicants, one in twelve former members, the
    others members), the 7 topics and ``people`` active people (half listed publicly)."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from minka.core.text import fold
    from minka.directory.models import Organization, Person, Topic

    status = Organization.MembershipStatus
    names: list[tuple[str, str]] = list(OUTSIDE_BODIES[:organizations])
    seen = {name for name, _acronym in names}
    while len(names) < organizations:
        name = " ".join(
            [rng.choice(ORGANIZATION_KINDS), rng.choice(ORGANIZATION_FOCUS), rng.choice(REGIONS)]
        )
        if name not in seen:
            seen.add(name)
            acronym = "".join(word[0] for word in name.split() if len(word) > 3).upper()
            names.append((name, acronym))
    rows = []
    for index, (name, acronym) in enumerate(names):
        if index < len(OUTSIDE_BODIES):
            membership = status.EXTERNAL
        elif index % 6 == 0:
            membership = status.APPLICANT
        elif index % 12 == 1:
            membership = status.FORMER
        else:
            membership = status.MEMBER
        rows.append(
            Organization(
                name=name,
                acronym=acronym,
                slug=slugify(name)[:70],
                membership_status=membership,
                is_body=index == 0,
                member_since=timezone.localdate() - timedelta(days=rng.randint(100, 3000))
                if membership != status.EXTERNAL
                else None,
                search_key=fold(f"{name} {acronym}"),
            )
        )
    with transaction.atomic():
        made = Organization.objects.bulk_create(rows)
        topics = Topic.objects.bulk_create([Topic(name=n, slug=s) for n, s in TOPICS])
        persons = Person.objects.bulk_create(
            [
                Person(
                    full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {number}",
                    status=Person.Status.ACTIVE,
                    public_listing=rng.random() < 0.5,
                    members_listing=True,
                    search_key=fold(f"persona {number}"),
                )
                for number in range(people)
            ]
        )
    return Directory(made, topics, persons)


def make_agreements(
    rng: random.Random,
    directory: Directory,
    *,
    commitments: int,
    updates: int,
    goals: int,
    minutes: Sequence[Minutes] = (),
) -> None:
    """Create ``commitments`` commitments (the first ones from the agreements of ``minutes``,
    one each, with their meeting, text and key), ``updates`` updates spread at random among
    them, and ``goals`` goals on three levels; bulk inserts in one transaction."""
    from django.db import transaction
    from django.utils import timezone

    from minka.agreements.models import (
        Commitment,
        CommitmentUpdate,
        Goal,
        GoalCommitment,
        Status,
    )

    today = timezone.localdate()
    now = timezone.now()
    origins = [
        (item, agreement["key"], agreement["text"])
        for item in minutes
        if item.current_revision is not None
        for agreement in item.current_revision.content.get("agreements", [])
    ]
    rng.shuffle(origins)
    organizations = directory.organizations
    with transaction.atomic():
        rows = []
        for index in range(commitments):
            status = _weighted(rng, STATUS_WEIGHTS)
            progress = {
                Status.PENDING: rng.choice([0, 0, 0, 5, 10]),
                Status.IN_PROGRESS: rng.randint(10, 90),
                Status.DONE: 100,
                Status.CANCELLED: rng.randint(0, 60),
            }[Status(status)]
            commitment = Commitment(
                title=" ".join(
                    [rng.choice(ACTIONS), rng.choice(THINGS), rng.choice(SUBJECTS), str(index)]
                ),
                description=_prose(rng, rng.randint(15, 60)),
                due_date=None
                if rng.random() < 0.08
                else today + timedelta(days=rng.randint(-540, 365)),
                status=status,
                progress=progress,
                visibility=_weighted(rng, VISIBILITY_WEIGHTS),
                responsible_text="Grupo de trabajo" if rng.random() < 0.05 else "",
            )
            if index < len(origins):
                item, key, text = origins[index]
                commitment.minutes, commitment.meeting = item, item.meeting
                commitment.agreement_key, commitment.title = key, text[:160]
            rows.append(commitment)
        made = Commitment.objects.bulk_create(rows, batch_size=500)

        owners = Commitment.responsible_organizations.through
        owners.objects.bulk_create(
            [
                owners(commitment_id=commitment.pk, organization_id=organization.pk)
                for commitment in made
                for organization in rng.sample(organizations, rng.choices([1, 2, 3], [5, 3, 2])[0])
            ],
            batch_size=2000,
        )
        tagged = Commitment.topics.through
        tagged.objects.bulk_create(
            [
                tagged(commitment_id=commitment.pk, topic_id=topic.pk)
                for commitment in made
                for topic in rng.sample(directory.topics, rng.choices([0, 1, 2], [2, 5, 3])[0])
            ],
            batch_size=2000,
        )
        people = Commitment.responsible_people.through
        people.objects.bulk_create(
            [
                people(commitment_id=commitment.pk, person_id=rng.choice(directory.people).pk)
                for commitment in made
                if directory.people and rng.random() < 0.3
            ],
            batch_size=2000,
        )

        history = []
        for _ in range(updates):
            commitment = rng.choice(made)
            history.append(
                CommitmentUpdate(
                    commitment=commitment,
                    text=_prose(rng, rng.randint(15, 50)),
                    progress=rng.choice([None, rng.randint(0, 100)]),
                    status=rng.choice(["", commitment.status]),
                    review=rng.choices(["", "validated", "questioned"], [14, 5, 1])[0],
                    created_at=now
                    - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1439)),
                )
            )
        CommitmentUpdate.objects.bulk_create(history, batch_size=1000)

        levels = [goals // 4, goals // 2]
        levels.append(goals - sum(levels))
        parents: list[Goal] = []
        every: list[Goal] = []
        for size in levels:
            level = [
                _goal(rng, today, rng.choice(parents) if parents else None) for _ in range(size)
            ]
            parents = Goal.objects.bulk_create(level)
            every += parents
        goal_owners = Goal.responsible_organizations.through
        goal_owners.objects.bulk_create(
            [
                goal_owners(goal_id=goal.pk, organization_id=organization.pk)
                for goal in every
                for organization in rng.sample(organizations, rng.randint(1, 2))
            ],
            batch_size=2000,
        )
        GoalCommitment.objects.bulk_create(
            [
                GoalCommitment(goal=goal, commitment=commitment, weight=rng.randint(1, 3))
                for goal in every
                for commitment in rng.sample(made, min(len(made), rng.randint(8, 12)))
            ],
            batch_size=2000,
        )


def _goal(rng: random.Random, today: Any, parent: Any) -> Any:
    from minka.agreements.models import Goal

    reported = rng.random() < 0.3
    baseline = rng.randint(0, 50)
    return Goal(
        title=f"{rng.choice(['Lograr', 'Ampliar', 'Reducir', 'Duplicar'])} {rng.choice(SUBJECTS)}"
        f" {rng.randint(1, 999)}",
        description=_prose(rng, rng.randint(20, 60)),
        parent=parent,
        weight=rng.randint(1, 3),
        indicator=f"Número de {rng.choice(UNITS)}",
        unit=rng.choice(UNITS),
        baseline=Decimal(baseline),
        target=Decimal(baseline + rng.randint(10, 200)),
        period_start=today - timedelta(days=365),
        deadline=today + timedelta(days=rng.randint(-180, 720)),
        mode=Goal.Mode.REPORTED if reported else Goal.Mode.COMPUTED,
        reported_progress=rng.choice([None, *range(0, 101, 5)]) if reported else None,
        visibility=rng.choices(["public", "members"], [85, 15])[0],
    )


def _prose(rng: random.Random, count: int) -> str:
    from bench.search import sentences

    return sentences(rng, count)


# --- Measuring ----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    from bench.search import percentile as search_percentile

    return search_percentile(values, fraction)


@dataclass
class Result:
    who: str
    path: str
    status: int
    timings: list[float]
    queries: int
    sql_ms: float
    size: int
    gzip_size: int
    svg_size: int
    captured: list[dict[str, Any]] = field(default_factory=list)

    @property
    def p95(self) -> float:
        return percentile(self.timings, 0.95)


_SVG = re.compile(rb"<svg\b.*?</svg>", re.DOTALL)


def measure(client: Client, who: str, path: str, runs: int, warmup: int) -> Result:
    """``warmup`` requests, one with its queries captured, then ``runs`` timed ones. A path
    ending in " cold" is requested with the cache emptied before each request."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    label = path
    cold = path.endswith(" cold")
    path = path.removesuffix(" cold")

    for _ in range(warmup):
        client.get(path)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as capture:
        response = client.get(path)
    # Read now: each later request empties the connection's log (``reset_queries``).
    captured = list(capture.captured_queries)
    body = response.content
    timings = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return Result(
        who=who,
        path=label,
        status=response.status_code,
        timings=timings,
        queries=len(captured),
        sql_ms=sum(float(query["time"]) for query in captured) * 1000,
        size=len(body),
        gzip_size=len(gzip.compress(body, compresslevel=6, mtime=0)),
        svg_size=sum(len(match) for match in _SVG.findall(body)),
        captured=captured,
    )


class Clock:
    """Wall time, SQL time and queries of named steps of a request, summed over requests.

    SQL time is what ``cursor.execute`` takes (a database wrapper): for SQLite, rows after
    the first are read later, outside it; psycopg reads them all in ``execute``.
    """

    def __init__(self) -> None:
        self.sql = 0.0
        self.queries = 0
        self.steps: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - started
            self.queries += 1

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[None]:
        wall, sql, queries = time.perf_counter(), self.sql, self.queries
        try:
            yield
        finally:
            totals = self.steps[label]
            totals[0] += time.perf_counter() - wall
            totals[1] += self.sql - sql
            totals[2] += self.queries - queries

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.step(label):
                return function(*args, **kwargs)

        return timed


def breakdown(client: Client, path: str, runs: int) -> tuple[dict[str, list[float]], int]:
    """Time the steps of the dashboard view on ``path`` over ``runs`` requests: each step is
    the module attribute the view calls, wrapped for the run (the code is unchanged)."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.shortcuts import render
    from django.utils.functional import cached_property

    from minka.agreements import charts, forms, selectors, views

    clock = Clock()

    class TimedPaginator(Paginator):  # type: ignore[type-arg]
        @cached_property
        def count(self) -> int:
            with clock.step("paginator count"):
                return int(super().count)

    patches: list[Any] = [
        mock.patch.object(forms, "FilterForm", clock.wrap("filter form", forms.FilterForm)),
        mock.patch.object(selectors, "dashboard", clock.wrap("dashboard()", selectors.dashboard)),
        mock.patch.object(
            selectors, "goal_progress", clock.wrap("  goal_progress()", selectors.goal_progress)
        ),
        mock.patch.object(views, "Paginator", TimedPaginator),
        mock.patch.object(charts, "bar_chart", clock.wrap("charts (SVG)", charts.bar_chart)),
        mock.patch.object(charts, "progress_bar", clock.wrap("charts (SVG)", charts.progress_bar)),
        mock.patch("minka.agreements.views.render", clock.wrap("render (template)", render)),
    ]
    from django.core.cache import cache

    cold = path.endswith(" cold")
    path = path.removesuffix(" cold")
    with contextlib.ExitStack() as stack, connection.execute_wrapper(clock):
        for patch in patches:
            stack.enter_context(patch)
        client.get(path)  # warm-up
        clock.steps.clear()
        for _ in range(runs):
            if cold:
                cache.clear()
            with clock.step("request"):
                client.get(path)
    return dict(clock.steps), runs


def _short_sql(sql: str, width: int = 150) -> str:
    sql = re.sub(r"\s+", " ", sql)
    sql = re.sub(r"^SELECT (DISTINCT )?.*? FROM ", r"SELECT \1… FROM ", sql)
    sql = re.sub(r'"[a-z_]+"\."([a-z_]+)"', r"\1", sql)
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def connection_cost(samples: int = 10) -> float:
    """Median ms to open a new database connection (with the settings' init commands)."""
    from django.db import connection

    timings = []
    for _ in range(samples):
        connection.close()
        started = time.perf_counter()
        connection.ensure_connection()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run(args: argparse.Namespace) -> bool:
    """Create the data, measure every scenario, print; return whether the target is met."""
    from django.db import connection
    from django.test import Client

    from bench.search import engine_version, machine, make_meetings
    from minka.accounts.models import User
    from minka.agreements.models import Commitment, CommitmentUpdate, Goal

    print(f"machine       {machine()} (before)")
    rng = random.Random(20263)  # noqa: S311 -- reproducible data, not a secret.
    started = time.perf_counter()
    directory = make_directory(rng, args.organizations)
    minutes = make_meetings(args.meetings, directory.organizations)
    make_agreements(
        rng,
        directory,
        commitments=args.commitments,
        updates=args.updates,
        goals=args.goals,
        minutes=minutes,
    )
    member = User.objects.create_user("bench-member@example.org", role=User.Role.MEMBER)
    created = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    overdue = Commitment.objects.overdue().count()
    print(f"engine        {engine_version()}")
    print(
        f"data          {len(directory.organizations)} organizations, {len(directory.topics)} "
        f"topics, {len(minutes)} meetings with minutes, {Commitment.objects.count():,} "
        f"commitments ({overdue:,} overdue, "
        f"{Commitment.objects.filter(minutes__isnull=False).count():,} from minutes), "
        f"{CommitmentUpdate.objects.count():,} updates, {Goal.objects.count()} goals "
        f"({Goal.objects.filter(parent__isnull=False).count()} nested); created in {created:.1f} s"
    )

    clients = {"anonymous": Client(), "member": Client()}
    clients["member"].force_login(member)
    results = [measure(clients[who], who, path, args.runs, args.warmup) for who, path in SCENARIOS]
    header = (
        f"{'page':<28}{'as':<11}{'status':>6}{'median':>8}{'p95':>8}{'max':>8}"
        f"{'queries':>9}{'SQL ms':>8}{'KB':>7}{'gzip KB':>9}{'SVG KB':>8}  target"
    )
    print(f"\n{args.runs} timed requests each after {args.warmup} warm-up (ms, server time)")
    print(header)
    print("-" * len(header))
    met = True
    for result in results:
        verdict = "ok" if result.p95 < TARGET_MS else "OVER"
        if result.status != 200:
            verdict = "BROKEN"
        met = met and verdict == "ok"
        print(
            f"{result.path:<28}{result.who:<11}{result.status:>6}"
            f"{statistics.median(result.timings):>8.1f}{result.p95:>8.1f}"
            f"{max(result.timings):>8.1f}{result.queries:>9}{result.sql_ms:>8.1f}"
            f"{result.size / 1024:>7.1f}{result.gzip_size / 1024:>9.1f}"
            f"{result.svg_size / 1024:>8.1f}  {verdict}"
        )

    slowest = max((r for r in results if r.path.startswith("/acuerdos/")), key=lambda r: r.p95)
    steps, runs = breakdown(clients[slowest.who], slowest.path, args.profile_runs)
    print(
        f"\nwhere the time goes: {slowest.path} as {slowest.who}, mean of {runs} requests "
        "(inclusive: a step contains the steps indented under it)"
    )
    print(f"{'step':<24}{'ms':>8}{'SQL ms':>8}{'queries':>9}")
    for label in [
        "request",
        "filter form",
        "dashboard()",
        "  goal_progress()",
        "paginator count",
        "charts (SVG)",
        "render (template)",
    ]:
        wall, sql, queries = steps.get(label, [0.0, 0.0, 0.0])
        print(
            f"{label:<24}{wall / runs * 1000:>8.1f}{sql / runs * 1000:>8.1f}{queries / runs:>9.0f}"
        )
    print("slowest queries of that request (captured once):")
    for query in sorted(slowest.captured, key=lambda q: -float(q["time"]))[:8]:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {_short_sql(query['sql'])}")

    print(
        f"\nnew connection {connection_cost():.1f} ms (paid by every request when "
        "MINKA_DB_CONN_MAX_AGE=0, the default; not in the figures above)"
    )
    print(f"machine       {machine()} (after)")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commitments", type=int, default=5000)
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--goals", type=int, default=200)
    parser.add_argument("--organizations", type=int, default=30)
    parser.add_argument("--meetings", type=int, default=300, help="with published minutes")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="requests before timing")
    parser.add_argument(
        "--profile-runs", type=int, default=10, help="requests of the time breakdown"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    # The test client's host name; no other setting changes.
    os.environ.setdefault("MINKA_ALLOWED_HOSTS", "testserver")
    from bench.search import bench_database

    with bench_database("agreements"):
        met = run(args)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
