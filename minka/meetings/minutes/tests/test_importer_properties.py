"""Properties of the minutes parser, checked on generated text (hypothesis).

- Any text parses without an exception (and without the parser's safety net).
- Nothing is lost: every non-blank input line ends up in some field or in the notes.
  :func:`uncovered_lines` is the check: a line is covered when each of its words (folded:
  no case, no accents) appears in the output's fields or notes, leaving out only words a
  field may legitimately swallow: articles and prepositions, the meeting boilerplate
  that wraps fields ("se realizó la reunión", "quien planteó"), section headings, month and
  weekday names, courtesy titles, numbers and one-letter list markers. Warnings do not
  count: a line quoted only in a warning was dropped.
- Generated minutes (sections with random items, markers, wrapped lines and blank lines)
  parse back to the same items, in the same order.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from minka.core.text import fold
from minka.meetings.minutes.importers.parsed import MISSED
from minka.meetings.minutes.importers.spanish import parse_minutes

FAST = settings(max_examples=200, deadline=None)
SAFETY_NET = "The structure of the minutes could not be read; the text was kept as notes."
TODAY = dt.date(2026, 11, 28)

MAY_VANISH = frozenset(
    (  # noqa: SIM905 -- a word list reads better as prose.
        # articles, prepositions, conjunctions, pronouns
        "el la los las lo un una unos unas de del al a en con por para y e o u que se su sus "
        "como entre durante sobre desde hasta este esta "
        # boilerplate around fields
        "reunion sesion realizo realizada realizado llevo cabo inicio inicia comenzo dio "
        "continuo siguio luego seguidamente posteriormente continuacion despues presentacion "
        "exposicion ponencia quien quienes planteo presento expuso senalo explico indico "
        "informo compartio menciono destaco resalto hizo siguiente siguientes tema temas "
        "propuestos tratados puntos encuentran encontraban fueron son es fue acta minuta ayuda "
        "memoria fecha lugar presente ano curso denominado denominada titulado titulada llamado "
        "llamada acordo acordaron asistieron participaron adoptaron tomaron expositor "
        "expositora expositores ponente ponentes presentador presentadora proxima proximo "
        # headings
        "asistentes asistencia participantes presentes lista relacion miembros agenda orden dia "
        "tratada propuesta temario presentaciones exposiciones ponencias realizadas "
        "intervenciones discutidos desarrollo comentarios discusion debate acuerdos "
        "compromisos adoptados tomados asumidos tareas siguiente convocatoria notas "
        "observaciones otros varios asuntos "
        # dates and times
        "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre "
        "noviembre diciembre ene feb mar abr may jun jul ago sep sept set oct nov dic "
        "lunes martes miercoles jueves viernes sabado domingo ro er "
        "am pm h hs hr hrs hora horas "
        # courtesy titles
        "sr sra srta dr dra ing lic mg mag prof abog econ arq senor senora senorita doctor "
        "doctora ingeniero ingeniera licenciado licenciada profesor profesora magister"
    ).split()
)
_ROMAN = re.compile(r"^[ivxlc]{1,6}$")
_WORD = re.compile(r"\w+")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _may_vanish(word: str) -> bool:
    return word in MAY_VANISH or word.isdigit() or len(word) == 1 or bool(_ROMAN.match(word))


def uncovered_lines(text: str, parsed: dict[str, Any]) -> list[str]:
    """The non-blank lines of ``text`` that have a word found nowhere in ``parsed``'s
    fields and notes (see the module's docstring)."""
    output = {key: value for key, value in parsed.items() if key != "warnings"}
    found = {word for s in _strings(output) for word in _WORD.findall(fold(s))}
    # A soft hyphen only marks where a word may break: the parser joins the word.
    text = text.replace("\xad", "")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [
        line
        for line in lines
        if line.strip()
        and any(word not in found and not _may_vanish(word) for word in _WORD.findall(fold(line)))
    ]


def parse(text: str) -> dict[str, Any]:
    with translation.override("en"):
        return parse_minutes(text, year=2026, today=TODAY).to_dict()


# --- Arbitrary text ---------------------------------------------------------------------------

FRAGMENTS = [
    "Acuerdos",
    "ASISTENTES:",
    "Próxima reunión:",
    "Orden del día",
    "Presentaciones",
    "Intervenciones",
    "- ",
    "• ",
    "1. ",
    "a) ",
    "Responsable: ",
    "Plazo: ",
    "Fecha: ",
    "Lugar: ",
    "Lima, ",
    "16 de marzo del presente",
    "20 de abril de 2026",
    "16/03/2026",
    "dentro de un mes",
    "a las 10:00",
    "Presentación del Sr. ",
    "La Sra. ",
    " presentó:",
    " quien planteó:",
    "“",
    "”",
    '"',
    "(",
    ")",
    " – ",
    "Siendo las 13:00 horas se levantó la sesión.",
    "Se acordó lo siguiente:",
    "ACTA DE LA REUNIÓN ",
]
WORDS = st.text(
    alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), max_codepoint=0x24F),
    min_size=1,
    max_size=10,
)
PIECES = st.one_of(st.sampled_from(FRAGMENTS), WORDS, st.just(" "), st.just("\n"))
MINUTES_LIKE = st.lists(PIECES, max_size=60).map("".join)
ANY_TEXT = st.text(max_size=400)


class ArbitraryTextTests(SimpleTestCase):
    @FAST
    @given(st.one_of(ANY_TEXT, MINUTES_LIKE))
    @example("0\xad0A")  # a soft hyphen inside a word: found once by a random run
    @example("ACUERDOS\nRESPONSABLE:")  # an empty field label was dropped: found by a run
    @example("ACUERDOS\nRESPONSABLE:0")  # so was a "responsible" with no letters
    def test_any_text_parses_and_loses_no_line(self, text: str) -> None:
        """No exception, no safety net, and every line ends up in a field or the notes."""
        parsed = parse(text)
        self.assertNotIn(SAFETY_NET, parsed["warnings"])
        self.assertEqual(uncovered_lines(text, parsed), [])

    def test_the_coverage_check_notices_a_dropped_line(self) -> None:
        """The helper is strict enough: remove an item from the output and it is reported."""
        text = "Acuerdos\n- Compartir la minuta con Quispe.\n- Crear un grupo en Telegram."
        parsed = parse(text)
        self.assertEqual(uncovered_lines(text, parsed), [])
        parsed["agreements"].pop()
        self.assertEqual(uncovered_lines(text, parsed), ["- Crear un grupo en Telegram."])


# --- Generated minutes --------------------------------------------------------------------------

VOCABULARY = (  # noqa: SIM905 -- a word list reads better as prose.
    "acceso red fibra conectividad banda ancha brecha digital escuela comunidad rural "
    "municipalidad antena espectro datos privacidad quechua aimara telecentro plataforma "
    "gobierno abierto ciudadanía jóvenes mujeres docentes salud telemedicina alfabetización "
    "infraestructura cobertura tarifa operador regulación transparencia repositorio"
).split()
NAMES = ["Ana", "José", "María", "Luis", "Rosa", "Iñigo", "Quispe", "Mamani", "Núñez", "Peña"]
ORGANIZATIONS = ["Asociación Señal", "Red TIC Rural", "CONCORTV", "Hiperderecho", "ISOC Perú"]
MARKERS = st.sampled_from(["- ", "• ", "* ", "{n}. ", "{n}) ", "{letter}) "])


@st.composite
def items(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=14))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


@st.composite
def item_lines(draw: st.DrawFn, texts: list[str]) -> list[str]:
    """``texts`` as a list with one marker style, some items wrapped over two lines (the
    continuation in lower case) with blank lines in between."""
    marker = draw(MARKERS)
    lines = []
    for n, text in enumerate(texts, start=1):
        prefix = marker.format(n=n, letter="abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26])
        words = text.split()
        cut = draw(st.integers(min_value=1, max_value=len(words)))
        lines.append(prefix + " ".join(words[:cut]))
        if cut < len(words):
            lines.extend([""] * draw(st.integers(0, 2)))
            lines.append(" ".join(words[cut:]))
        lines.extend([""] * draw(st.integers(0, 1)))
    return lines


@st.composite
def minutes(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    expected: dict[str, Any] = {}
    lines = ["Lima, 16 de marzo de 2026"]
    attendees = draw(
        st.lists(
            st.tuples(
                st.sampled_from(NAMES), st.sampled_from(NAMES), st.sampled_from(ORGANIZATIONS)
            ),
            max_size=6,
        )
    )
    if attendees:
        lines.append(draw(st.sampled_from(["ASISTENTES", "Participantes:", "Asistentes"])))
        separator = draw(st.sampled_from([" ({org})", " – {org}", " - {org}"]))
        lines += [f"- {a} {b}" + separator.format(org=org) for a, b, org in attendees]
        expected["attendees"] = [
            {"name": f"{a} {b}", "organization": org} for a, b, org in attendees
        ]
    for key, headings in (
        ("agenda", ["AGENDA", "Orden del día:"]),
        ("interventions", ["Intervenciones", "TEMAS TRATADOS:"]),
        ("agreements", ["Acuerdos", "COMPROMISOS"]),
    ):
        texts = draw(st.lists(items(), max_size=8))
        if texts:
            lines.append(draw(st.sampled_from(headings)))
            lines += draw(item_lines(texts))
        if key == "agreements":
            expected[key] = [{"text": t, "responsible": None, "due": None} for t in texts]
        else:
            expected[key] = texts
    points = draw(st.lists(items(), min_size=1, max_size=8))
    lines.append("Presentación del Sr. Luis Quispe (Red TIC Rural) quien planteó:")
    lines += draw(item_lines(points))
    expected["presentations"] = [
        {"presenter": "Luis Quispe", "organization": "Red TIC Rural", "points": points}
    ]
    expected.setdefault("attendees", [])
    return "\n".join(lines), expected


class GeneratedMinutesTests(SimpleTestCase):
    @FAST
    @given(minutes())
    def test_sections_parse_back_to_their_items(
        self, generated: tuple[str, dict[str, Any]]
    ) -> None:
        text, expected = generated
        parsed = parse(text)
        self.assertEqual(parsed["date"], "2026-03-16")
        self.assertEqual(parsed["place"], "Lima")
        for key, value in expected.items():
            self.assertEqual(parsed[key], value, key)
        self.assertEqual(parsed["notes"], [])
        # Only the fields the generated minutes leave empty are said to be missed.
        with translation.override("en"):
            missed = [str(MISSED[name]) for name in MISSED if not parsed[name]]
        self.assertEqual(parsed["warnings"], missed)
        self.assertEqual(uncovered_lines(text, parsed), [])
