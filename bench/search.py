"""Search benchmark: index build time, index size and query latency on the current engine.

Generates ``--pages`` pages of Spanish text (seeded, from a fixed vocabulary of real words,
accented ones included, with a Zipf-like frequency and a few recurring phrases), indexes them
through :func:`minka.search.bulk_index`, then runs 50 fixed queries (single words, accents and
their absence, plural forms, phrases, several words, facet filters) as a member and as an
anonymous visitor, and prints build time, index size, median and p95 latency, and the machine.

    MINKA_TESTING=1 .venv/bin/python bench/search.py --pages 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minka MINKA_TESTING=1 \\
        .venv/bin/python bench/search.py

Without ``DATABASE_URL`` it uses a throw-away SQLite file; with a PostgreSQL URL it creates and
then drops a ``bench_search_<name>`` database (not the test runner's ``test_<name>``, which a
test run may be using). Target (issue 4): p95 at most 50 ms at 100,000 pages on a 2-core
machine.

``--with-meetings N`` and ``--with-commitments N`` add real rows before indexing: N held
meetings, each with an agenda and published minutes (a revision of structured content of
about 1,000 words), and N commitments with two progress updates each on average and one goal
per 25 commitments (the data of ``bench/agreements.py``). Their entries are read through the
registered search adapters (what :func:`minka.search.reindex` writes) and indexed with the
pages in one :func:`minka.search.bulk_index`, spread evenly among them, so that the newest
candidates of a query mix both kinds. Ten more queries, on those types and facets, run too.
Target (issue): p95 still at most 50 ms with 600 meetings and 5,000 commitments::

    MINKA_TESTING=1 .venv/bin/python bench/search.py --pages 100000 \\
        --with-meetings 600 --with-commitments 5000
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from minka.directory.models import Organization
    from minka.meetings.minutes.models import Minutes

WORDS = """
red dorsal selva internet acceso conectividad banda ancha fibra óptica telefonía móvil
política políticas públicas gobierno digital brecha comunidad comunidades rural rurales
organización organizaciones sociedad civil ciberseguridad privacidad datos personales
protección derechos humanos libertad expresión información transparencia participación
ciudadana ciudadanía educación escuela escuelas universidad investigación desarrollo
tecnología tecnologías innovación economía inversión infraestructura despliegue antena
antenas espectro radioeléctrico frecuencia regulación regulador ministerio transportes
comunicaciones municipalidad región departamento provincia distrito amazonía andes costa
sierra población indígena pueblos originarios quechua aimara lengua lenguas cultura
mujeres jóvenes niños niñas adultos mayores discapacidad inclusión género igualdad
salud telemedicina hospital posta agricultura agricultores mercado comercio electrónico
pago pagos banca financiera trámite trámites servicio servicios plataforma portal
gobernanza multisectorial foro reunión reuniones acta actas acuerdo acuerdos compromiso
compromisos propuesta propuestas documento documentos informe informes presentación
encuesta resultados análisis estudio estudios diagnóstico plan estrategia nacional
ley leyes reglamento decreto norma normas consulta comentarios aporte aportes mesa
trabajo grupo grupos comisión coordinación coordinadores miembros red nodos operador
operadores empresa empresas proveedor proveedores costo costos tarifa tarifas calidad
velocidad cobertura señal satélite satelital radio televisión comunitaria comunitarias
energía eléctrica solar electricidad camino caminos río ríos lago montaña altura clima
emergencia desastres alerta temprana prevención riesgo riesgos seguridad vigilancia
inteligencia artificial algoritmos automatización sistema sistemas software libre código
abierto estándares interoperabilidad nube centro centros capacitación taller talleres
alfabetización habilidades competencias docentes maestros estudiantes biblioteca
""".split()  # noqa: SIM905 -- a word list reads better as prose.
STOP = "de la el en y a los las del que por con para una un se su al es como más o".split()  # noqa: SIM905
PHRASES = [
    "red dorsal",
    "gobierno digital",
    "brecha digital",
    "datos personales",
    "sociedad civil",
    "banda ancha",
    "pueblos indígenas",
    "comercio electrónico",
]
KINDS = ["acta", "informe", "presentacion", "propuesta", "documento"]
TOPICS = ["conectividad", "derechos", "gobernanza", "educacion", "seguridad"]
VISIBILITIES = ["public"] * 14 + ["members"] * 5 + ["coordinators"]
WORDS_PER_PAGE = 250

QUERIES: list[tuple[str, dict[str, str]]] = [
    *[
        (q, {})
        for q in [
            "internet",
            "conectividad",
            "políticas",
            "politica",
            "organizacion",
            "organizaciones",
            "ciberseguridad",
            "CIBERSEGURIDAD",
            "participación",
            "participacion",
            "telemedicina",
            "satélite",
            "satelite",
            "radioeléctrico",
            "quechua",
            "aimara",
            "alfabetización",
            "interoperabilidad",
            "niñas",
            "ninas",
            "tarifas",
            "antena",
            "algoritmo",
            "municipalidades",
            "emergencias",
        ]
    ],
    *[
        (q, {})
        for q in [
            '"red dorsal"',
            '"gobierno digital"',
            '"brecha digital"',
            '"datos personales"',
            '"sociedad civil"',
            '"banda ancha"',
            '"comercio electrónico"',
            '"pueblos indígenas"',
            '"red dorsal" selva',
            '"fibra óptica"',
        ]
    ],
    *[
        (q, {})
        for q in [
            "red dorsal selva",
            "acceso internet rural",
            "protección datos personales",
            "mujeres jóvenes tecnología",
            "energía solar antenas",
            "ley ciberseguridad",
            "mesa trabajo acuerdos",
            "software libre código abierto",
        ]
    ],
    ("conectividad", {"kind": "acta"}),
    ("políticas", {"year": "2025"}),
    ("internet", {"kind": "informe", "year": "2024"}),
    ('"red dorsal"', {"topic": "conectividad"}),
    ("de la y", {}),
    ("NEAR(internet -datos:*", {}),
    ("xilófono", {}),
]
assert len(QUERIES) == 50


def app_queries(organization: str) -> list[tuple[str, dict[str, str]]]:
    """Ten queries on what ``--with-meetings`` and ``--with-commitments`` add: each type on
    its own (the facet ``type``), and the facets that meetings and commitments fill
    (``organization``, the slug of one convening and responsible organization; ``topic``)."""
    return [
        ("acuerdos", {"type": "meetings.minutes"}),
        ('"red dorsal"', {"type": "meetings.minutes"}),
        ("reunión", {"type": "meetings.meeting"}),
        ("conectividad", {"type": "agreements.commitment"}),
        ("informe", {"type": "agreements.commitment"}),
        ("avance taller", {"type": "agreements.commitmentupdate"}),
        ("cobertura", {"type": "agreements.goal"}),
        ("internet", {"organization": organization}),
        ("conectividad rural", {"topic": "conectividad"}),
        ("políticas públicas", {"year": "2025"}),
    ]


def pages(count: int, seed: int = 20260) -> Iterator[dict[str, Any]]:
    """Yield ``count`` seeded pages: each page draws from the domain's ten most common words
    (in most pages, as "internet" would be) and from its own topic of 40 other words, with a
    Zipf-like frequency, plus stop words and two recurring phrases.
    """
    rng = random.Random(seed)  # noqa: S311 -- a reproducible corpus, not a secret.
    shuffled = WORDS[:]
    rng.shuffle(shuffled)
    common, rest = shuffled[:10], shuffled[10:]
    weights = [1 / (rank + 1) for rank in range(50)]
    for i in range(count):
        vocabulary = common + rng.sample(rest, 40)
        words = rng.choices(vocabulary, weights, k=WORDS_PER_PAGE)
        for position in rng.sample(range(WORDS_PER_PAGE), 25):
            words[position] = rng.choice(STOP)
        for position in rng.sample(range(WORDS_PER_PAGE), 2):
            words[position] = rng.choice(PHRASES)
        yield {
            "content_type": "bench.page",
            "object_id": i + 1,
            "title": " ".join(rng.choices(vocabulary, weights, k=6)).capitalize(),
            "body": " ".join(words).capitalize() + ".",
            "visibility": rng.choice(VISIBILITIES),
            "facets": {
                "kind": rng.choice(KINDS),
                "year": str(rng.randint(2019, 2026)),
                "topic": rng.sample(TOPICS, 2),
            },
        }


# Prose for minutes, agendas and commitments: the pages' vocabulary, in Zipf-like frequency.
_VOCABULARY = list(dict.fromkeys(WORDS))
random.Random(20261).shuffle(_VOCABULARY)  # noqa: S311 -- a fixed order, not a secret.
_WEIGHTS = [1 / (rank + 1) for rank in range(len(_VOCABULARY))]
MEETING_KINDS = ["Reunión ordinaria", "Reunión extraordinaria", "Mesa de trabajo", "Asamblea"]
PLACES = ["Lima", "Cusco", "Puno", "Iquitos", "Arequipa", "Piura", "Huancayo", "Pucallpa"]
MEETING_VISIBILITIES = ["public"] * 8 + ["members"] * 2


def sentences(rng: random.Random, count: int) -> str:
    """About ``count`` words of prose: sentences of 8 to 16 words drawn from the vocabulary,
    a quarter of them stop words, one in five with a recurring phrase."""
    text: list[str] = []
    words = 0
    while words < count:
        length = rng.randint(8, 16)
        sentence = rng.choices(_VOCABULARY, _WEIGHTS, k=length)
        for position in rng.sample(range(length), length // 4):
            sentence[position] = rng.choice(STOP)
        if rng.random() < 0.2:
            sentence[rng.randrange(length)] = rng.choice(PHRASES)
        text.append(" ".join(sentence).capitalize() + ".")
        words += length
    return " ".join(text)


def _minutes_content(rng: random.Random, organizations: Sequence[str], day: str) -> Any:
    """Structured minutes of about 1,000 words: a summary, two or three presentations, four to
    eight interventions, three to six agreements (each due one to six months later), the next
    meeting and, sometimes, notes."""
    from datetime import date

    from minka.meetings.minutes.content import (
        Agreement,
        Intervention,
        MinutesContent,
        NextMeeting,
        Presentation,
    )

    held = date.fromisoformat(day)
    return MinutesContent(
        summary=sentences(rng, rng.randint(60, 120)),
        presentations=[
            Presentation(
                title=sentences(rng, 6).rstrip("."),
                presenter=f"Ponente {rng.randint(1, 200)}",
                organization=rng.choice(organizations),
                points=sentences(rng, rng.randint(40, 80)),
            )
            for _ in range(rng.randint(2, 3))
        ],
        interventions=[
            Intervention(
                topic=sentences(rng, 4).rstrip("."),
                speaker=rng.choice(["", f"Participante {rng.randint(1, 300)}"]),
                text=sentences(rng, rng.randint(30, 80)),
            )
            for _ in range(rng.randint(4, 8))
        ],
        agreements=[
            Agreement(
                text=sentences(rng, rng.randint(12, 24)),
                responsible=rng.choice(organizations),
                due_date=(held + timedelta(days=rng.randint(30, 180))).isoformat(),
            )
            for _ in range(rng.randint(3, 6))
        ],
        next_meeting=NextMeeting(text=sentences(rng, 10)),
        notes=sentences(rng, rng.randint(10, 40)) if rng.random() < 0.5 else "",
    )


def make_meetings(
    count: int, organizations: Sequence[Organization], *, seed: int = 20261
) -> list[Minutes]:
    """Create ``count`` held meetings of the last six years (starting at 9:00 to 16:00, Lima
    time), each with one or two convening organizations, three to six agenda items and
    published minutes (one revision, see :func:`_minutes_content`); bulk inserts in one
    transaction. Return the minutes, with their meeting and current revision attached."""
    from django.db import transaction
    from django.utils import timezone

    from minka.meetings.minutes.models import Minutes, MinutesRevision
    from minka.meetings.models import AgendaItem, Meeting

    rng = random.Random(seed)  # noqa: S311 -- reproducible data, not a secret.
    names = [organization.name for organization in organizations]
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        meetings = []
        for number in range(1, count + 1):
            starts = now.replace(hour=rng.choice([9, 10, 11, 15, 16])) - timedelta(
                days=rng.randint(1, 6 * 365)
            )
            meetings.append(
                Meeting(
                    title=f"{rng.choice(MEETING_KINDS)} {number}: {sentences(rng, 5).rstrip('.')}",
                    description=sentences(rng, rng.randint(20, 60)),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    place=rng.choice(PLACES),
                    status=Meeting.Status.HELD,
                    visibility=rng.choice(MEETING_VISIBILITIES),
                )
            )
        Meeting.objects.bulk_create(meetings, batch_size=500)
        through = Meeting.organizations.through
        through.objects.bulk_create(
            [
                through(meeting_id=meeting.pk, organization_id=organization.pk)
                for meeting in meetings
                for organization in rng.sample(list(organizations), rng.randint(1, 2))
            ],
            batch_size=1000,
        )
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=sentences(rng, 6).rstrip("."),
                    description=sentences(rng, rng.randint(10, 30)),
                )
                for meeting in meetings
                for position in range(1, rng.randint(3, 6) + 1)
            ],
            batch_size=1000,
        )
        minutes = [
            Minutes(
                meeting=meeting,
                status=Minutes.Status.PUBLISHED,
                visibility=rng.choice(MEETING_VISIBILITIES),
                shared_from=1,
                approved_at=meeting.ends_at + timedelta(days=7),
                published_at=meeting.ends_at + timedelta(days=9),
            )
            for meeting in meetings
        ]
        Minutes.objects.bulk_create(minutes, batch_size=500)
        revisions = [
            MinutesRevision(
                minutes=item,
                number=1,
                content=_minutes_content(
                    rng, names, timezone.localdate(item.meeting.starts_at).isoformat()
                ).to_json(),
                created_at=item.meeting.ends_at + timedelta(days=1),
            )
            for item in minutes
        ]
        MinutesRevision.objects.bulk_create(revisions, batch_size=200)
        for item, revision in zip(minutes, revisions, strict=True):
            item.current_revision = revision
        Minutes.objects.bulk_update(minutes, ["current_revision"], batch_size=500)
    return minutes


def app_entries() -> list[dict[str, Any]]:
    """The index entries of the meetings, minutes, commitments, updates and goals in the
    database, read through their registered adapters (as :func:`minka.search.reindex` reads
    them, with the related rows prefetched), each with the ``type`` facet reindex adds."""
    from minka import search
    from minka.agreements.models import Commitment, CommitmentUpdate, Goal
    from minka.meetings.minutes.models import Minutes
    from minka.meetings.models import Meeting

    querysets: dict[str, Any] = {
        "meetings.meeting": Meeting.objects.prefetch_related("organizations"),
        "meetings.minutes": Minutes.objects.select_related(
            "meeting", "current_revision"
        ).prefetch_related("meeting__organizations"),
        "agreements.commitment": Commitment.objects.prefetch_related(
            "responsible_organizations", "topics"
        ),
        "agreements.commitmentupdate": CommitmentUpdate.objects.select_related(
            "commitment"
        ).prefetch_related("commitment__responsible_organizations"),
        "agreements.goal": Goal.objects.prefetch_related("responsible_organizations"),
    }
    entries = []
    for adapter in search.registered():
        queryset = querysets.get(adapter.content_type)
        if queryset is None:
            continue
        for obj in queryset.order_by("pk").iterator(chunk_size=1000):
            visibility = adapter.visibility(obj)
            if visibility is None:
                continue
            entries.append(
                {
                    "content_type": adapter.content_type,
                    "object_id": obj.pk,
                    "title": adapter.title(obj),
                    "body": adapter.body(obj),
                    "visibility": visibility,
                    # The facet minka.search fills with the model label.
                    "facets": {"type": [adapter.content_type], **adapter.facets(obj)},
                }
            )
    return entries


def interleave(
    first: Iterable[dict[str, Any]], count: int, others: Sequence[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Yield the ``count`` entries of ``first`` with ``others`` spread evenly among them."""
    placed = 0
    for index, entry in enumerate(first, start=1):
        yield entry
        while placed < len(others) and placed * count < index * len(others):
            yield others[placed]
            placed += 1
    yield from others[placed:]


def populate(meetings: int, commitments: int) -> str:
    """Create the directory (organizations, topics, people), ``meetings`` meetings with
    published minutes and ``commitments`` commitments (two updates each on average, one goal
    per 25); return the slug of an organization that convenes meetings and holds commitments."""
    from bench.agreements import make_agreements, make_directory

    rng = random.Random(20262)  # noqa: S311 -- reproducible data, not a secret.
    directory = make_directory(rng)
    minutes = make_meetings(meetings, directory.organizations)
    if commitments:
        make_agreements(
            rng,
            directory,
            commitments=commitments,
            updates=2 * commitments,
            goals=max(1, commitments // 25),
            minutes=minutes,
        )
    return directory.organizations[0].slug


def engine_version() -> str:
    """The database engine and its version ("SQLite 3.40.1", "PostgreSQL 15.20")."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone() or ("?",)
    return f"{connection.display_name} {str(version).split()[0]}"


def machine() -> str:
    """The machine, and its load: other work on it slows the queries down."""
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.processor() or platform.machine()}, "
        "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(page_count: int, repeats: int, meetings: int = 0, commitments: int = 0) -> None:
    from django.db import connection

    from minka import search

    queries = list(QUERIES)
    others: list[dict[str, Any]] = []
    if meetings or commitments:
        started = time.perf_counter()
        organization = populate(meetings, commitments)
        created = time.perf_counter() - started
        started = time.perf_counter()
        others = app_entries()
        read = time.perf_counter() - started
        queries += app_queries(organization)

    started = time.perf_counter()
    indexed = search.bulk_index(interleave(pages(page_count), page_count, others))
    build = time.perf_counter() - started
    size = search.index_size()

    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User

    # An unsaved member: search reads only the role (no query for the user).
    member = User(email="bench-member@example.org", role=User.Role.MEMBER, is_active=True)
    anonymous = AnonymousUser()
    timings: list[float] = []
    app_timings: list[float] = []
    slowest: list[tuple[float, str, int]] = []
    capped = 0
    for query, filters in queries:  # warm-up: caches and the planner
        search.search(query, user=member, filters=filters)
    for index, (query, filters) in enumerate(queries):
        for user in (member, anonymous):
            for _ in range(repeats):
                t0 = time.perf_counter()
                results = search.search(query, user=user, filters=filters)
                elapsed = (time.perf_counter() - t0) * 1000
                timings.append(elapsed)
                if index >= len(QUERIES):
                    app_timings.append(elapsed)
                capped += not results.exact
                slowest.append((elapsed, query + (f" {filters}" if filters else ""), results.total))

    print(f"engine        {connection.vendor} ({connection.client.executable_name})")
    print(f"version       {engine_version()}")
    print(f"pages         {page_count:,} x {WORDS_PER_PAGE} words")
    if others:
        kinds: dict[str, int] = {}
        for entry in others:
            kinds[entry["content_type"]] = kinds.get(entry["content_type"], 0) + 1
        print(
            "other entries "
            + ", ".join(f"{n:,} {label}" for label, n in kinds.items())
            + f" (rows created in {created:.1f} s, read through the adapters in {read:.1f} s)"
        )
    unit = "entries" if others else "pages"
    print(f"index build   {build:.1f} s ({indexed / build:,.0f} {unit}/s)")
    print(f"index size    {size / 1_048_576:.1f} MiB")
    print(f"queries       {len(queries)} x 2 users x {repeats} = {len(timings)}")
    print(
        f"latency       median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms"
    )
    if app_timings:
        print(
            f"  the {len(queries) - len(QUERIES)} queries on meetings and commitments: "
            f"median {statistics.median(app_timings):.1f} ms, "
            f"p95 {percentile(app_timings, 0.95):.1f} ms, max {max(app_timings):.1f} ms"
        )
    print(f"capped        {capped} of {len(timings)} runs matched over {search.MAX_CANDIDATES:,}")
    print(
        "slowest       "
        + "; ".join(
            f"{q!r} {ms:.0f} ms ({n:,} hits)" for ms, q, n in sorted(slowest, reverse=True)[:3]
        )
    )
    print(f"machine       {machine()}")


@contextlib.contextmanager
def bench_database(name: str) -> Iterator[None]:
    """Set Django up (``MINKA_TESTING``) on a throw-away database, migrated: a SQLite file in a
    temporary folder, or, when ``DATABASE_URL`` names PostgreSQL, a ``bench_<name>_<database>``
    database created here and dropped on the way out (not the test runner's ``test_<database>``,
    which a test run may be using)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("MINKA_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    with tempfile.TemporaryDirectory(prefix=f"minka-bench-{name}-") as tmp:
        os.environ["MINKA_DATA_DIR"] = tmp
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor == "sqlite":
            call_command("migrate", interactive=False, verbosity=0)
            yield
        else:
            old_name = connection.settings_dict["NAME"]
            connection.settings_dict["TEST"]["NAME"] = f"bench_{name}_{old_name}"
            connection.creation.create_test_db(verbosity=0, autoclobber=True)
            try:
                yield
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each query per user")
    parser.add_argument(
        "--with-meetings",
        type=int,
        default=0,
        metavar="N",
        help="also index N meetings with published minutes",
    )
    parser.add_argument(
        "--with-commitments",
        type=int,
        default=0,
        metavar="N",
        help="also index N commitments, their updates (2 N) and goals (N / 25)",
    )
    args = parser.parse_args()
    with bench_database("search"):
        run(args.pages, args.repeats, args.with_meetings, args.with_commitments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
