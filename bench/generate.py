"""A dataset for the load test (issue 20), created through the apps' services.

At ``--scale 1.0``: 300 organizations, 5,000 people, 600 held meetings with an agenda and
published minutes, 20,000 documents with 100,000 pages of text, 5,000 commitments, plus
50 member accounts (known password, no second factor: members need none) and a few upcoming
meetings to answer "¿Asistirá?". Counts scale linearly (at least a handful of each; 20 members)::

    .venv/bin/python bench/generate.py --scale 1.0           # the SQLite file of minka.env
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minka_bench \\
        .venv/bin/python bench/generate.py --scale 0.1

It migrates the database first and refuses one that already holds its accounts. It runs with
the settings of any ``minka`` command (``minka.env`` or the environment), never
``MINKA_TESTING`` (whose password hasher a real server would not accept).

Everything goes through the services a coordinator's or member's form calls
(``organization_create``, ``person_create`` + ``person_set_consents`` on a signed paper form,
``meeting_create``, ``agenda_item_create``, ``meeting_mark_held``, the minutes cycle from
``minutes_create`` to ``minutes_publish`` — whose approval turns each agreement into a
commitment —, ``document_upload``, ``commitment_create``), so audit entries, consent events,
notifications and the search index are filled as in real use. Three shortcuts, each because
the real route would take hours on two cores, not because the service is skipped:

- Text extraction: a document is uploaded as a ``.txt`` file through ``document_upload``, and
  the generator then writes what the task worker's extraction would (its pages, split as a
  PDF's are, and the page count) with the same ``_finish`` the worker ends with, instead of
  running a sandboxed extraction process per file (~0.2 s each). The task is not queued.
- Minutes PDFs are not queued for rendering (600 WeasyPrint runs); they render on demand.
- Member accounts share one password hash, computed once (Argon2 costs ~0.4 s per hash).

Services run in batches inside one transaction (``--batch``, default 200): each service keeps
its own atomic block (a savepoint), but SQLite with ``synchronous=FULL`` syncs once per batch.

Measured at scale 1.0 on a 2-core machine shared with other jobs (load average 8–16): SQLite
41 min, PostgreSQL 58 min; both at once on an otherwise quiet machine: 14 and 18 min. Per
second: 100 / 39 people, 13 / 10 documents, 0.7 / 0.5 meetings with their minutes cycle, most
of which is the approval's ``OwnerMatcher`` (it normalizes the name of every person and
organization on each approval).

It ends with ``ANALYZE``, as any bulk load should: the planner's statistics.

Text is seeded (``--seed``): the same titles, prose, choices and dates for the same seed
(dates relative to today; public ids are random UUIDs). The vocabulary is the search
benchmark's plus the words of the project's sample minutes (``../shared/seed/``). Prints one
JSON line: counts read back from the database, seconds and objects per second per step.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from minka.directory.models import Organization, Topic

MEMBER_PASSWORD = "minka-bench-2026"  # noqa: S105  (benchmark accounts on a throw-away database)
COORDINATOR_EMAIL = "coordinacion@bench.test"
MEMBER_EMAIL = "miembro{:03d}@bench.test"

# Distinct words (four letters or more) of the project's sample minutes, ../shared/seed/,
# copied here so the text is the same on a machine without that folder.
SEED_WORDS = """
acordó actores acuerdo acuerdos apertura aportes articulación asistentes carreras
ciberseguridad civil compartir compromisos comunicación comunidad construir contar
coordinación correcto crear cultura decisor definir denominado dentro desarrollar
desarrollo desde determinado digital digitales directorio distintos durante ejemplo
elementos empieza encuentran enfrentar ente entre establecer estamentos esto estrategia
existe externos facilitación fomentar formación funciones generar gobernanza gremio
implantar importancia imprescindible información inicio institucionalidad internet internos
intervenciones involucrar liderazgo lograr marzo mayor mecanismos metas metodologías minuta
nacional necesidad nivel nuevas nuevos organizaciones organizados otro para participación
pasa país perú planteó plazo política políticas pragmáticos presentaciones presentación
presente primera promoción propiciar propuestos próxima públicas quien realizará realizó
rector redes relacionadas repositorio resultados reto reunión riesgos será sociales sociedad
tecnología temas tener todos trabajo técnica viceministerio virtual visión
""".split()  # noqa: SIM905 -- a word list reads better as prose.

ORG_KINDS = ["Asociación", "Colectivo", "Red", "Instituto", "Fundación", "Cámara", "Universidad"]
FIRST_NAMES = [
    "Rosa",
    "Luis",
    "Carmen",
    "Jorge",
    "Ana",
    "Miguel",
    "Patricia",
    "Raúl",
    "Giovanna",
    "Hilda",
    "Esteban",
    "Sonia",
    "Julio",
    "Flor",
    "María",
    "José",
    "Juana",
    "Pedro",
    "Lucía",
    "Carlos",
    "Elena",
    "Víctor",
    "Teresa",
    "Andrés",
    "Milagros",
]
SURNAMES = [
    "Quispe",
    "Mamani",
    "Huamán",
    "Torres",
    "Vargas",
    "Ríos",
    "Salazar",
    "Peña",
    "Ccori",
    "Tello",
    "Shuña",
    "Pérez",
    "Ochoa",
    "Benites",
    "Chávez",
    "Condori",
    "Apaza",
    "Paucar",
    "Ayala",
    "Núñez",
    "Mendoza",
    "Cruz",
    "Ticona",
    "Huanca",
    "Flores",
    "Rojas",
    "Gutiérrez",
    "Sánchez",
    "Ramírez",
    "Castillo",
]
# Members-only content: about a quarter of each kind; a few documents for coordinators.
VISIBILITIES = ["public"] * 3 + ["members"]
DOCUMENT_VISIBILITIES = ["public"] * 14 + ["members"] * 5 + ["coordinators"]
WORDS_PER_PAGE = 250


@dataclass
class Counts:
    organizations: int
    people: int
    meetings: int
    upcoming: int
    documents: int
    pages: int
    commitments: int
    members: int

    @classmethod
    def at(cls, scale: float) -> Counts:
        def n(full: int, least: int) -> int:
            return max(least, round(full * scale))

        return cls(
            organizations=n(300, 5),
            people=n(5000, 10),
            meetings=n(600, 3),
            upcoming=n(20, 2),
            documents=n(20000, 10),
            pages=n(100000, 50),
            commitments=n(5000, 10),
            members=n(50, 20),  # the load test signs 20 in
        )


class Text:
    """Seeded Spanish-like prose over a Zipf-weighted vocabulary (the search benchmark's
    words, stop words and recurring phrases, and the sample minutes' words)."""

    def __init__(self, rng: random.Random) -> None:
        from bench.search import PHRASES, STOP, WORDS

        self.rng = rng
        vocabulary = list(dict.fromkeys(WORDS + SEED_WORDS))
        random.Random(20).shuffle(vocabulary)  # noqa: S311 -- a fixed order, not a secret.
        self.vocabulary = vocabulary
        self.weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        self.stop = STOP
        self.phrases = PHRASES

    def words(self, count: int) -> str:
        return " ".join(self.rng.choices(self.vocabulary, self.weights, k=count))

    def title(self, count: int = 6) -> str:
        return self.words(count).capitalize()

    def prose(self, count: int) -> str:
        """About ``count`` words: sentences of 8 to 16 words, a quarter stop words, one in
        five with a recurring phrase."""
        rng = self.rng
        text: list[str] = []
        total = 0
        while total < count:
            length = rng.randint(8, 16)
            sentence = rng.choices(self.vocabulary, self.weights, k=length)
            for position in rng.sample(range(length), length // 4):
                sentence[position] = rng.choice(self.stop)
            if rng.random() < 0.2:
                sentence[rng.randrange(length)] = rng.choice(self.phrases)
            text.append(" ".join(sentence).capitalize() + ".")
            total += length
        return " ".join(text)


@contextlib.contextmanager
def _batches(size: int) -> Iterator[Callable[[], None]]:
    """An outer transaction committed every ``size`` calls of the yielded ``tick``."""
    from django.db import transaction

    state = {"n": 0, "atomic": transaction.atomic()}
    state["atomic"].__enter__()  # type: ignore[attr-defined]

    def tick() -> None:
        state["n"] += 1  # type: ignore[operator]
        if state["n"] % size == 0:  # type: ignore[operator]
            state["atomic"].__exit__(None, None, None)  # type: ignore[attr-defined]
            state["atomic"] = transaction.atomic()
            state["atomic"].__enter__()  # type: ignore[attr-defined]

    try:
        yield tick
    except BaseException:
        state["atomic"].__exit__(*sys.exc_info())  # type: ignore[attr-defined]
        raise
    else:
        state["atomic"].__exit__(None, None, None)  # type: ignore[attr-defined]


class Generator:
    def __init__(self, *, scale: float, seed: int, batch: int) -> None:
        self.counts = Counts.at(scale)
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible data, not a secret.
        self.text = Text(self.rng)
        self.batch = batch
        self.steps: dict[str, dict[str, float]] = {}
        self.now = datetime.datetime.now(tz=datetime.UTC).replace(minute=0, second=0, microsecond=0)

    @contextlib.contextmanager
    def step(self, name: str, count: int) -> Iterator[Callable[[], None]]:
        started = time.perf_counter()
        with _batches(self.batch) as tick:
            yield tick
        seconds = time.perf_counter() - started
        self.steps[name] = {
            "count": count,
            "seconds": round(seconds, 2),
            "per_second": round(count / seconds, 1) if seconds else 0.0,
        }
        print(f"  {name}: {count} in {seconds:.1f} s", file=sys.stderr, flush=True)

    # --- Accounts, topics, organizations ----------------------------------------------

    def accounts(self) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from minka.accounts.models import User

        if User.objects.filter(email=COORDINATOR_EMAIL).exists():
            raise SystemExit(f"{COORDINATOR_EMAIL} exists: generate into an empty database.")
        self.coordinator = User.objects.create_user(
            COORDINATOR_EMAIL,
            None,
            full_name="Secretaría técnica (bench)",
            role=User.Role.COORDINATOR,
        )
        EmailAddress.objects.create(
            user=self.coordinator, email=COORDINATOR_EMAIL, verified=True, primary=True
        )
        self.password_hash = make_password(MEMBER_PASSWORD)

    def topics(self) -> None:
        from minka.directory.models import Topic
        from minka.site.demo import TOPICS  # the demo's topics, so both speak of the same

        self.topic_list: list[Topic] = [
            Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in TOPICS
        ]

    def organizations(self) -> None:
        from minka.directory import services
        from minka.directory.models import Organization, Region, Sector

        rng, count = self.rng, self.counts.organizations
        self.orgs: list[Organization] = []
        statuses = [Organization.MembershipStatus.MEMBER] * 8 + [
            Organization.MembershipStatus.APPLICANT,
            Organization.MembershipStatus.EXTERNAL,
        ]
        with self.step("organizations", count) as tick:
            for number in range(1, count + 1):
                status = rng.choice(statuses)
                name = f"{rng.choice(ORG_KINDS)} {self.text.title(3)} {number}"
                self.orgs.append(
                    services.organization_create(
                        actor=self.coordinator,
                        data={
                            "name": name,
                            "acronym": "".join(w[0] for w in name.split()[:4]).upper(),
                            "sector": rng.choice(Sector.values),
                            "region": rng.choice(Region.values),
                            "membership_status": status,
                            "member_since": datetime.date(2020 + rng.randint(0, 5), 3, 1)
                            if status == Organization.MembershipStatus.MEMBER
                            else None,
                            "description": self.text.prose(rng.randint(15, 40)),
                            "topics": rng.sample(self.topic_list, rng.randint(1, 3)),
                        },
                    )
                )
                tick()

    # --- People -----------------------------------------------------------------------

    def members(self) -> None:
        """Member accounts of member organizations, each with their own directory record
        and the choices they made on "Mis datos" (listed to members, email)."""
        from allauth.account.models import EmailAddress

        from minka.accounts.models import User
        from minka.directory import services
        from minka.directory.models import ConsentEvent, ConsentPurpose, Membership

        member_orgs = [o for o in self.orgs if o.membership_status == "member"] or self.orgs
        count = self.counts.members
        with self.step("members", count) as tick:
            for number in range(1, count + 1):
                email = MEMBER_EMAIL.format(number)
                user = User.objects.create_user(
                    email,
                    None,
                    full_name=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)} (bench)",
                    role=User.Role.MEMBER,
                )
                user.password = self.password_hash
                user.save(update_fields=["password"])
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                Membership.objects.create(
                    user=user, organization=member_orgs[number % len(member_orgs)]
                )
                person = services.person_for_user(user=user)
                services.person_set_consents(
                    actor=user,
                    person=person,
                    choices={
                        ConsentPurpose.MEMBERS_LISTING: True,
                        ConsentPurpose.EMAIL: True,
                        ConsentPurpose.EMAIL_NOTIFICATIONS: True,
                    },
                    channel=ConsentEvent.Channel.WEB,
                )
                tick()

    def people(self) -> None:
        """People added by the coordination team from signed paper forms: most listed
        publicly, some to members only, some who consented to nothing (pending)."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from minka.directory import services
        from minka.directory.models import ConsentEvent, ConsentPurpose, Person

        rng, count = self.rng, self.counts.people
        p = ConsentPurpose
        choices_by_kind = {
            "public": [p.PUBLIC_LISTING, p.MEMBERS_LISTING, p.EMAIL, p.EMAIL_NOTIFICATIONS],
            "members": [p.MEMBERS_LISTING, p.EMAIL, p.PHONE],
            "none": [],
        }
        kinds = ["public"] * 6 + ["members"] * 3 + ["none"]
        with self.step("people", count) as tick:
            for number in range(1, count + 1):
                first, last = rng.choice(FIRST_NAMES), rng.sample(SURNAMES, 2)
                person = services.person_create(
                    actor=self.coordinator,
                    data={
                        "full_name": f"{first} {' '.join(last)} {number}",
                        "email": f"persona{number}@ejemplo.test",
                        "phone": f"+51 9{rng.randint(10, 99)} {rng.randint(100, 999)} "
                        f"{number % 1000:03d}",
                    },
                    source=Person.Source.COORDINATOR,
                    source_detail="Ficha de inscripción firmada (bench)",
                    organization=rng.choice(self.orgs),
                    title=rng.choice(["Coordinadora", "Técnico", "Voluntaria", "Director", ""]),
                )
                granted = choices_by_kind[rng.choice(kinds)]
                if granted:
                    services.person_set_consents(
                        actor=self.coordinator,
                        person=person,
                        choices={purpose: purpose in granted for purpose in p.values},
                        channel=ConsentEvent.Channel.PAPER,
                        evidence=SimpleUploadedFile(
                            "consentimiento.pdf", b"%PDF-1.4\n%bench\n", "application/pdf"
                        ),
                    )
                tick()

    # --- Meetings and minutes -----------------------------------------------------------

    def meetings(self) -> None:
        from bench.search import _minutes_content
        from minka.meetings.minutes import services as minutes_services
        from minka.meetings.models import Modality
        from minka.meetings.services import meetings as services

        rng, text = self.rng, self.text
        names = [o.name for o in self.orgs]
        count = self.counts.meetings
        kinds = ["Reunión ordinaria", "Reunión extraordinaria", "Mesa de trabajo", "Asamblea"]
        places = ["Lima", "Cusco", "Puno", "Iquitos", "Arequipa", "Piura", "Huancayo"]
        with self.step("meetings_with_minutes", count) as tick:
            for number in range(1, count + 1):
                starts = self.now.replace(
                    hour=rng.choice([14, 15, 16, 20, 21])
                ) - datetime.timedelta(days=rng.randint(2, 6 * 365))
                visibility = rng.choice(VISIBILITIES)
                meeting = services.meeting_create(
                    actor=self.coordinator,
                    data={
                        "title": f"{rng.choice(kinds)} {number}: {text.title(5)}",
                        "description": text.prose(rng.randint(20, 60)),
                        "starts_at": starts,
                        "ends_at": starts + datetime.timedelta(hours=2),
                        "modality": rng.choice(Modality.values),
                        "place": rng.choice(places),
                        "visibility": visibility,
                        "organizations": rng.sample(self.orgs, rng.randint(1, 2)),
                    },
                )
                for _ in range(rng.randint(3, 5)):
                    services.agenda_item_create(
                        actor=self.coordinator,
                        meeting=meeting,
                        data={
                            "title": text.title(6),
                            "description": text.prose(rng.randint(10, 30)),
                            "duration_minutes": rng.choice([15, 20, 30]),
                        },
                    )
                services.meeting_mark_held(actor=self.coordinator, meeting=meeting)
                minutes = minutes_services.minutes_create(actor=self.coordinator, meeting=meeting)
                content = _minutes_content(
                    rng, rng.sample(names, min(4, len(names))), starts.date().isoformat()
                )
                minutes_services.minutes_save(
                    actor=self.coordinator,
                    minutes=minutes,
                    content=content,
                    base_revision=minutes_services.current_number(minutes),
                )
                minutes_services.minutes_open_review(
                    actor=self.coordinator,
                    minutes=minutes,
                    deadline=datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=7),
                )
                minutes_services.minutes_approve(actor=self.coordinator, minutes=minutes)
                minutes_services.minutes_publish(
                    actor=self.coordinator, minutes=minutes, visibility=visibility
                )
                tick()
        upcoming = self.counts.upcoming
        with self.step("upcoming_meetings", upcoming) as tick:
            for number in range(1, upcoming + 1):
                starts = self.now.replace(hour=15) + datetime.timedelta(days=7 * number)
                services.meeting_create(
                    actor=self.coordinator,
                    data={
                        "title": f"Próxima reunión {number}: {text.title(4)}",
                        "description": text.prose(30),
                        "starts_at": starts,
                        "ends_at": starts + datetime.timedelta(hours=2),
                        "modality": Modality.VIRTUAL,
                        "online_url": "https://reuniones.ejemplo.test/minka",
                        "visibility": "public" if number % 2 else "members",
                        "organizations": rng.sample(self.orgs, 1),
                    },
                )
                tick()

    # --- Documents ----------------------------------------------------------------------

    def documents(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from minka.documents import services
        from minka.documents.models import Kind, License

        rng, text = self.rng, self.text
        count, pages_total = self.counts.documents, self.counts.pages
        # Pages per document: one each, and the rest spread at random (the total is exact).
        spread = [1] * count
        for index in rng.choices(range(count), k=max(0, pages_total - count)):
            spread[index] += 1
        with self.step("documents", count) as tick:
            for number, page_count in enumerate(spread, start=1):
                kind = rng.choice(["Informe", "Propuesta", "Presentación", "Acta", "Estudio"])
                title = f"{kind} {number}: {text.title(5)}"
                pages = [text.prose(WORDS_PER_PAGE) for _ in range(page_count)]
                upload = SimpleUploadedFile(
                    f"documento-{number}.txt", "\n\n".join(pages).encode(), "text/plain"
                )
                outcome = services.document_upload(
                    actor=self.coordinator,
                    files=[services.check_file(upload)],
                    data={
                        "title": title,
                        "description": text.prose(rng.randint(10, 40)),
                        "kind": rng.choice(Kind.values),
                        "license": rng.choice([License.CC_BY, License.CC_BY_SA, License.CC0]),
                        "visibility": rng.choice(DOCUMENT_VISIBILITIES),
                        "issued_on": (
                            self.now - datetime.timedelta(days=rng.randint(0, 2500))
                        ).date(),
                        "topics": rng.sample(self.topic_list, rng.randint(0, 2)),
                        "organizations": rng.sample(self.orgs, rng.randint(0, 2)),
                    },
                )
                version = outcome.created[0].latest_version
                assert version is not None
                claimed = services._claim(version.pk)
                assert claimed is not None
                services._finish(
                    claimed,
                    ok=True,
                    reason="",
                    detail="",
                    text="\f".join(pages),
                    page_count=page_count,
                )
                tick()

    # --- Commitments --------------------------------------------------------------------

    def commitments(self) -> None:
        """Top up the commitments the minutes' agreements created to the target, directly
        (a coordinator's form), with a progress update on one in four."""
        from minka.agreements import services
        from minka.agreements.models import Commitment, Status

        rng, text = self.rng, self.text
        missing = max(0, self.counts.commitments - Commitment.objects.count())
        with self.step("commitments", missing) as tick:
            for _ in range(missing):
                status = rng.choice(
                    [Status.PENDING, Status.PENDING, Status.IN_PROGRESS, Status.DONE]
                )
                commitment = services.commitment_create(
                    actor=self.coordinator,
                    data={
                        "title": text.prose(rng.randint(8, 20)),
                        "description": text.prose(rng.randint(0, 40)),
                        "responsible_organizations": rng.sample(self.orgs, rng.randint(1, 2)),
                        "due_date": (
                            self.now + datetime.timedelta(days=rng.randint(-400, 400))
                        ).date(),
                        "status": status,
                        "progress": {"pending": 0, "in_progress": rng.randint(5, 95), "done": 100}[
                            status
                        ],
                        "topics": rng.sample(self.topic_list, rng.randint(0, 2)),
                        "visibility": rng.choice(VISIBILITIES),
                    },
                )
                if status == Status.IN_PROGRESS and rng.random() < 0.5:
                    services.update_post(
                        actor=self.coordinator,
                        commitment=commitment,
                        data={
                            "text": text.prose(30),
                            "progress": min(100, commitment.progress + 5),
                        },
                    )
                tick()

    def run(self) -> dict[str, Any]:
        from unittest import mock

        started = time.perf_counter()
        with (
            mock.patch("minka.documents.services._schedule"),
            mock.patch("minka.meetings.minutes.services._prepare_pdf"),
        ):
            self.accounts()
            self.topics()
            self.organizations()
            self.members()
            self.people()
            self.meetings()
            self.documents()
            self.commitments()
        return {
            "seconds": round(time.perf_counter() - started, 1),
            "steps": self.steps,
            "targets": asdict(self.counts),
            "counts": database_counts(),
        }


def database_counts() -> dict[str, int]:
    from django.db.models import Sum

    from minka.accounts.models import User
    from minka.agreements.models import Commitment, CommitmentUpdate
    from minka.core.models import AuditEntry
    from minka.directory.models import ConsentEvent, Organization, Person
    from minka.documents.models import Document, Version
    from minka.meetings.minutes.models import Minutes
    from minka.meetings.models import AgendaItem, Meeting
    from minka.search.models import SearchEntry

    return {
        "organizations": Organization.objects.count(),
        "people": Person.objects.count(),
        "people_active": Person.objects.filter(status=Person.Status.ACTIVE).count(),
        "consent_events": ConsentEvent.objects.count(),
        "member_accounts": User.objects.filter(role=User.Role.MEMBER).count(),
        "meetings": Meeting.objects.count(),
        "meetings_members_only": Meeting.objects.filter(visibility="members").count(),
        "agenda_items": AgendaItem.objects.count(),
        "minutes_published": Minutes.objects.filter(status=Minutes.Status.PUBLISHED).count(),
        "documents": Document.objects.count(),
        "documents_members_only": Document.objects.filter(visibility="members").count(),
        "pages": Version.objects.aggregate(n=Sum("page_count"))["n"] or 0,
        "commitments": Commitment.objects.count(),
        "commitments_from_minutes": Commitment.objects.exclude(minutes=None).count(),
        "commitment_updates": CommitmentUpdate.objects.count(),
        "search_entries": SearchEntry.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
    }


def generate(*, scale: float = 1.0, seed: int = 20, batch: int = 200) -> dict[str, Any]:
    """Create the dataset in the configured database (Django set up and migrated)."""
    from django.db import connection

    result = Generator(scale=scale, seed=seed, batch=batch).run()
    # Statistics for the planner, as after any bulk load: PostgreSQL's autovacuum would gather
    # them later (if it is on: it is off on some machines), and until then plans a table of
    # 31,000 search entries as if it held four (a search took 69 ms instead of 6).
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result["analyze_seconds"] = round(time.perf_counter() - started, 1)
    return {
        "benchmark": "generate",
        "scale": scale,
        "seed": seed,
        "engine": connection.vendor,
        **result,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--batch", type=int, default=200, help="service calls per transaction")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    result = generate(scale=args.scale, seed=args.seed, batch=args.batch)
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    counts = result["counts"]
    print(
        f"Generated at scale {args.scale} on {result['engine']} in {result['seconds']} s: "
        f"{counts['organizations']} organizations, {counts['people']} people, "
        f"{counts['meetings']} meetings, {counts['documents']} documents "
        f"({counts['pages']} pages), {counts['commitments']} commitments.",
        file=sys.stderr,
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
