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
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

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


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(page_count: int, repeats: int) -> None:
    from django.db import connection

    from minka import search

    started = time.perf_counter()
    indexed = search.bulk_index(pages(page_count))
    build = time.perf_counter() - started
    size = search.index_size()

    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User

    # An unsaved member: search reads only the role (no query for the user).
    member = User(email="bench-member@example.org", role=User.Role.MEMBER, is_active=True)
    anonymous = AnonymousUser()
    timings: list[float] = []
    slowest: list[tuple[float, str, int]] = []
    capped = 0
    for query, filters in QUERIES:  # warm-up: caches and the planner
        search.search(query, user=member, filters=filters)
    for query, filters in QUERIES:
        for user in (member, anonymous):
            for _ in range(repeats):
                t0 = time.perf_counter()
                results = search.search(query, user=user, filters=filters)
                elapsed = (time.perf_counter() - t0) * 1000
                timings.append(elapsed)
                capped += not results.exact
                slowest.append((elapsed, query + (f" {filters}" if filters else ""), results.total))

    print(f"engine        {connection.vendor} ({connection.client.executable_name})")
    print(f"pages         {indexed:,} x {WORDS_PER_PAGE} words")
    print(f"index build   {build:.1f} s ({indexed / build:,.0f} pages/s)")
    print(f"index size    {size / 1_048_576:.1f} MiB")
    print(f"queries       {len(QUERIES)} x 2 users x {repeats} = {len(timings)}")
    print(
        f"latency       median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms"
    )
    print(f"capped        {capped} of {len(timings)} runs matched over {search.MAX_CANDIDATES:,}")
    print(
        "slowest       "
        + "; ".join(
            f"{q!r} {ms:.0f} ms ({n:,} hits)" for ms, q, n in sorted(slowest, reverse=True)[:3]
        )
    )
    print(
        f"machine       {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.processor() or platform.machine()}, "
        # Other work on the machine slows the queries down: the load says how much there was.
        "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each query per user")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("MINKA_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    with tempfile.TemporaryDirectory(prefix="minka-bench-search-") as tmp:
        os.environ["MINKA_DATA_DIR"] = tmp
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor == "sqlite":
            call_command("migrate", interactive=False, verbosity=0)
            run(args.pages, args.repeats)
        else:
            old_name = connection.settings_dict["NAME"]
            # Its own database: the test runner's ``test_<name>`` may be in use by a test run.
            connection.settings_dict["TEST"]["NAME"] = f"bench_search_{old_name}"
            connection.creation.create_test_db(verbosity=0, autoclobber=True)
            try:
                run(args.pages, args.repeats)
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
