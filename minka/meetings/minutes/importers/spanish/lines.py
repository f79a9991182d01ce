"""Pass 1 of the parser: lines into units (headings, list items and paragraphs of a kind),
with the section names and their headings, the introductions ("Se acordó lo siguiente:") and
closings ("Siendo las 13:00 horas se levantó la sesión") that change the section, the words
a line that gave a field may lose (:data:`BOILERPLATE`), and two readings of a paragraph's
lines that pass 2 uses: a date line ("Lima, 20 de abril de 2026") and a quoted title
broken over lines.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from minka.core.text import fold
from minka.meetings.minutes.importers.spanish import dates
from minka.meetings.minutes.importers.spanish.people import read_presenter
from minka.meetings.minutes.importers.spanish.text import (
    FIELD,
    WORD,
    clean,
    is_capitalized,
    is_upper,
    word_set,
)

ATTENDEES = "attendees"
ABSENTEES = "absentees"  # a list of those who did not attend: kept in the notes
AGENDA = "agenda"
PRESENTATIONS = "presentations"
INTERVENTIONS = "interventions"
AGREEMENTS = "agreements"
NEXT_MEETING = "next_meeting"
NOTES = "notes"
CLOSING = "closing"

# Section headings, folded (lower case, no accents), without numbering or final colon.
HEADINGS: dict[str, str] = {
    **dict.fromkeys(
        (
            "asistentes",
            "asistencia",
            "participantes",
            "presentes",
            "asistieron",
            "participaron",
            "lista de asistentes",
            "lista de participantes",
            "relacion de asistentes",
            "relacion de participantes",
            "asistentes a la reunion",
            "participantes de la reunion",
            "miembros asistentes",
            "miembros presentes",
            "relacion de miembros asistentes",
        ),
        ATTENDEES,
    ),
    **dict.fromkeys(
        (
            "agenda",
            "orden del dia",
            "agenda de la reunion",
            "agenda tratada",
            "agenda propuesta",
            "puntos de agenda",
            "puntos de la agenda",
            "temario",
        ),
        AGENDA,
    ),
    **dict.fromkeys(
        (
            "presentacion",
            "presentaciones",
            "exposicion",
            "exposiciones",
            "ponencias",
            "presentaciones realizadas",
            "exposiciones realizadas",
        ),
        PRESENTATIONS,
    ),
    **dict.fromkeys(
        (
            "intervenciones",
            "temas tratados",
            "temas propuestos",
            "temas discutidos",
            "puntos tratados",
            "desarrollo de la reunion",
            "desarrollo de la sesion",
            "comentarios",
            "discusion",
            "debate",
            "intervenciones de los participantes",
            "desarrollo",
            "desarrollo de la agenda",
            "desarrollo del orden del dia",
            "desarrollo de los puntos",
            "desarrollo de la agenda del dia",
        ),
        INTERVENTIONS,
    ),
    **dict.fromkeys(
        (
            "acuerdos",
            "compromisos",
            "acuerdos y compromisos",
            "acuerdos adoptados",
            "acuerdos tomados",
            "acuerdos de la reunion",
            "compromisos asumidos",
            "tareas",
            "acuerdos y tareas",
            "puntos acordados",
            "resumen de acuerdos",
            "decisiones",
            "decisiones tomadas",
            "decisiones adoptadas",
            "relacion de acuerdos",
            "acuerdos adoptados y compromisos",
        ),
        AGREEMENTS,
    ),
    **dict.fromkeys(
        (
            "proxima reunion",
            "proxima sesion",
            "siguiente reunion",
            "siguiente sesion",
            "fecha de la proxima reunion",
            "fecha de proxima reunion",
            "proxima convocatoria",
            "proxima asamblea",
            "siguiente asamblea",
            "fecha de la proxima sesion",
        ),
        NEXT_MEETING,
    ),
    **dict.fromkeys(
        (
            "notas",
            "observaciones",
            "otros",
            "varios",
            "otros temas",
            "otros asuntos",
            "asuntos varios",
            "puntos varios",
            "temas varios",
        ),
        NOTES,
    ),
    **dict.fromkeys(
        ("no asistentes", "miembros no asistentes", "ausentes", "miembros ausentes"), ABSENTEES
    ),
}
# Headings with words of their own ("Control de asistencia", "Desarrollo de la asamblea"):
# they open their section and their line also goes to the notes. ("Resoluciones:" alone
# often heads the treatment of each item, not a list of agreements.)
_NOTED_HEADINGS: dict[str, str] = {
    **dict.fromkeys(
        (
            "control de asistencia",
            "registro de asistencia",
            "verificacion de asistencia",
            "asistencia y quorum",
            "verificacion del quorum",
            "comprobacion del quorum",
        ),
        ATTENDEES,
    ),
    **dict.fromkeys(
        (
            "desarrollo de la asamblea",
            "desarrollo de la junta",
            "desarrollo del pleno",
            "desarrollo del consejo",
            "desarrollo de la jornada",
        ),
        INTERVENTIONS,
    ),
    **dict.fromkeys(
        (
            "puntos de acuerdo",
            "resoluciones adoptadas",
            "acuerdos y resoluciones",
            "proximos pasos",
            "pasos a seguir",
            "acciones a seguir",
            "acciones acordadas",
            "tareas asignadas",
            "compromisos adquiridos",
            "acuerdos y proximos pasos",
        ),
        AGREEMENTS,
    ),
    **dict.fromkeys(("asuntos generales", "puntos generales"), NOTES),
    **dict.fromkeys(
        (
            "cierre",
            "clausura",
            "cierre de la sesion",
            "cierre de la reunion",
            "cierre de la asamblea",
            "clausura de la sesion",
            "clausura de la reunion",
            "clausura de la asamblea",
            "levantamiento de la sesion",
        ),
        CLOSING,
    ),
}
# Phrases that make a line ending in a colon an introduction to a section.
_INTRO = re.compile(
    r"(?<!\bno\s)\b(?P<attendees>asistieron|participaron|asistentes|participantes"
    r"|estuvieron presentes)\b"
    r"|\b(?P<agenda>agenda|orden del dia|puntos a tratar|temario)\b"
    r"|\b(?P<presentations>presentaciones|exposiciones)\b"
    r"|\b(?P<interventions>intervenciones|temas propuestos|temas tratados|intervinieron"
    r"|comentarios|se discutio|se discutieron|se trataron)\b"
    r"|\b(?P<agreements>acuerdos|compromisos|se acordo|acordaron|se acordaron|acuerda|acuerdan"
    r"|resuelve|resuelven|se resolvio|se decide|se decidio|decidieron|se conviene|se convino)\b"
    r"|\b(?P<next_meeting>proxima reunion|proxima sesion)\b"
)
_CLOSING = re.compile(
    r"^(?:siendo\s+las|se\s+levanto\s+la|sin\s+(?:otro|mas)\s+(?:particular|asuntos?|temas?)"
    r"|no\s+habiendo\s+(?:otro|otros|mas)|se\s+dio\s+por\s+(?:concluida|terminada|finalizada"
    r"|culminada)|(?:la\s+)?(?:reunion|sesion)\s+(?:concluyo|termino|finalizo|culmino))\b"
)
# "Siendo las 9:30 horas … se da inicio a la sesión" opens the meeting: not a closing line.
_OPENING = re.compile(
    r"\b(?:se\s+da\s+inicio|se\s+dio\s+inicio|da\s+inicio|se\s+inicia|se\s+reune|se\s+reunen"
    r"|se\s+reunieron|se\s+abre|da\s+comienzo|dio\s+comienzo|se\s+instala|en\s+la\s+ciudad)\b"
)
_BULLET = re.compile(
    r"^(?:(?P<symbol>[•·▪◦‣●○■□➢►✓]\s*|[-*–—]\s+)|(?P<number>\d{1,3})(?:[.)]\s+|[.)]-\s*)"
    r"|(?P<letter>[a-zA-Z])\)\s+)(?=\S)"
)
# "PRIMERO.-", "Segundo:-", "ACUERDO Nº 3": the numbered items of agreements and of some
# agendas (folded); the ordinal stays in the item's text.
_ORDINAL = re.compile(
    r"^(?:(?P<ordinal>primer[oa]?|segund[oa]|tercer[oa]?|cuart[oa]|quint[oa]|sext[oa]"
    r"|s[eé](?:p)?tim[oa]|octav[oa]|noven[oa]|d[eé]cim[oa]|und[eé]cim[oa]|duod[eé]cim[oa])"
    r"\s{0,3}[.:]?\s{0,3}-"
    r"|acuerdo\s{1,3}(?:n[°ºo.]{0,2}\s{0,3})?(?P<count>\d{1,3})\b)",
    re.IGNORECASE,
)
_ORDINALS = {
    "prim": 1, "segu": 2, "terc": 3, "cuar": 4, "quin": 5, "sext": 6, "sept": 7, "seti": 7,
    "octa": 8, "nove": 9, "deci": 10, "unde": 11, "duod": 12,
}  # fmt: skip
# A line that is only one sign repeated: a reStructuredText or Markdown underline under a
# heading, or a rule; it has no words.
_ADORNMENT = re.compile(r"^([=\-~^*+#_.:'\"`])\1{2,}$")
# The rule under a table's header row ("|---|:---:|", "+----+----+"): no words either.
_TABLE_RULE = re.compile(r"^[|+]?(?:\s{0,3}:?[-=]{3,}:?\s{0,3}[|+]){1,20}\s{0,3}(?::?[-=]{3,}:?)?$")
# A row of a table ("Acuerdo | Responsable | Plazo"): a unit of its own, never a wrapped line.
_TABLE_ROW = re.compile(r"^\|.{0,500}\||^[^|]{1,300}\|[^|]{1,300}\|")
_HEADING_NUMBER = re.compile(
    r"^(?:(?:\d{1,2}|[ivxlc]{1,6}|[a-z])[.)-]{1,2}|[-•*·–—]"
    r"|(?P<ordinal>(?:primer|segund|tercer|cuart|quint|sext|se?ptim|octav|noven|decim)[oa]?"
    r"\s?[.:-]{1,2}))\s*"
)
TITLE_LINE = re.compile(r"^(?:acta|minuta|ayuda\s+memoria)\b", re.IGNORECASE)
_TERMINAL = (".", "!", "?", ":", ";", "…")
_CONNECTIVES = word_set(
    "de del la las el los lo un una y e o u en con para por a al que su sus sobre entre "
    "desde hacia como sin ante segun tras mediante hasta se es son"
)
_WRAPPING = word_set("por y e o u con para que sino pero")
# Words that may vanish from a line that gave a field: articles, prepositions, and the
# phrases minutes wrap fields in ("se realizó la reunión", "quien planteó").
BOILERPLATE = (
    word_set(
        "el la los las lo un una unos unas de del al a en con por para y e o u que se su sus "
        "como entre durante sobre desde hasta este esta "
        "reunion sesion realizo realizada realizado llevo cabo inicio inicia comenzo dio "
        "continuo siguio luego seguidamente posteriormente continuacion despues "
        "presentacion exposicion ponencia quien quienes planteo presento expuso senalo "
        "explico indico informo compartio menciono destaco resalto hizo siguiente siguientes "
        "tema temas propuestos tratados puntos encuentran encontraban fueron son es fue "
        "acta minuta ayuda memoria fecha lugar presente ano curso denominado denominada "
        "titulado titulada llamado llamada acordo acordaron asistieron participaron "
        "adoptaron tomaron asistentes participantes agenda orden dia intervenciones acuerdos "
        "compromisos proxima proximo expositor expositora expositores ponente ponentes "
        "presentador presentadora "
        # courtesy titles
        "sr sra srta dr dra ing lic mg mag prof abog econ arq senor senora senorita "
        "doctor doctora ingeniero ingeniera licenciado licenciada profesor profesora magister"
    )
    | frozenset(dates.MONTHS)
    | frozenset(fold(day) for day in dates.WEEKDAYS)
)


def heading_key(line: str) -> str:
    """The folded form of a line that :data:`HEADINGS` is keyed on."""
    key = _HEADING_NUMBER.sub("", fold(line[:120]).strip(" #*_"))
    return " ".join(key.strip(" :.*_#").split())


def _heading(line: str) -> tuple[str, str] | None:
    """``(section, rest)`` when ``line`` is a heading, possibly followed by a colon and
    text ("Próxima reunión: 18 de mayo")."""
    if len(line) > 200:
        return None
    key = heading_key(line)
    section = HEADINGS.get(key) or _NOTED_HEADINGS.get(key) or _named_heading(line, key)
    if section:
        return section, ""
    colon = line.find(":", 0, 60)
    if colon > 0 and line[colon + 1 :].strip():
        section = HEADINGS.get(heading_key(line[:colon]))
        if section:
            return section, line[colon + 1 :].strip()
    return None


# A heading that names the agreements or the next meeting with more words than the known
# ones: "Acuerdos de la sesión", "Fecha y lugar de la próxima reunión".
_NAMED_HEADING = re.compile(
    r"^(?:(?P<agreements>acuerdos|compromisos)\s(?:de|del|y|adoptados|tomados|alcanzados)\b"
    r"|(?P<next_meeting>(?:(?:fecha|lugar|hora|dia)(?:(?:\s?,|\sy)\s(?:fecha|lugar|hora|dia)){0,2}"
    r"\sde\sla\s|convocatoria\sa\sla\s|convocatoria\sde\sla\s)?(?:proxima|siguiente)\s"
    r"(?:reunion|sesion|asamblea)\b)"
    # "Concejales presentes", "Socios asistentes", "Regidores ausentes".
    r"|(?!no\s)(?:[a-z]{3,20}\s){1,2}(?:(?P<attendees>presentes|asistentes)"
    r"|(?P<absentees>ausentes|no\sasistentes))$)"
)
# Agreements of an earlier meeting ("Acuerdos de la sesión anterior"): reviewed, not taken.
_EARLIER = frozenset(("anterior", "anteriores", "pasada", "previa", "previas", "pendientes"))


def _named_heading(line: str, key: str) -> str | None:
    """The section a short line without final punctuation names (see
    :data:`_NAMED_HEADING`); ``key`` is its :func:`heading_key`."""
    if len(line) > 80 or line.rstrip("*_ ").endswith((".", ";", ",")):
        return None
    match = _NAMED_HEADING.match(key)
    if match is None:
        return None
    rest = key[match.end() :].split()
    if len(rest) > 5 or any(ch.isdigit() for ch in key):  # "Próxima reunión el 5 de mayo"
        return None
    if match.lastgroup == AGREEMENTS and _EARLIER & set(rest):
        return NOTES
    return match.lastgroup


def _intro(line: str) -> str | None:
    """The section a line such as "Se acordó lo siguiente:" introduces."""
    if not line.endswith(":") or len(line) > 300:
        return None
    match = _INTRO.search(fold(line))
    if match is None or len(line.split()) > 25:
        return None
    return match.lastgroup


@dataclass
class Unit:
    """One heading, list item or paragraph, its wrapped lines joined."""

    index: int
    kind: str  # "heading", "item" or a paragraph kind: "para", "field", "presenter"…
    parts: list[str]
    marker: str | None = None  # "symbol", "number" or "letter" for list items
    number: int | None = None
    section: str | None = None  # headings and introductions
    rest: str = ""  # a heading's text after its colon
    generic: bool = False  # a heading not in HEADINGS: its words go to the notes
    closes: bool = False  # an item after the agenda, which ends it
    opened: int = 0  # brackets and quotes left open
    quotes: int = 0

    _text: str | None = None

    def add(self, line: str) -> None:
        self.parts.append(line)
        self._text = None
        self._count(line)

    def _count(self, line: str) -> None:
        self.opened += line.count("(") - line.count(")") + line.count("“") - line.count("”")
        self.opened += line.count("«") - line.count("»")
        self.quotes += line.count('"')

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = clean(" ".join(self.parts))
        return self._text

    def continued_by(
        self, line: str, wrap: int | None = None, *, after_blank: bool = False
    ) -> bool:
        """Whether ``line`` goes on with this unit. ``wrap`` is the width at which the text's
        layout wraps lines (a PDF's, a narrow document's): a line that long that does not end
        a sentence is continued by the next, whatever its case."""
        if self.kind == "heading":
            return False
        first = line[0]
        if first.islower() or first in ",;)]”»":
            return True
        if self.opened > 0 or self.quotes % 2:
            return True
        last = self.parts[-1]
        words = WORD.findall(fold(last[-40:]))
        if words and words[-1] in _CONNECTIVES and not last.endswith(_TERMINAL):
            return True
        if (
            wrap is not None
            and len(last) >= wrap
            and not last.endswith(_TERMINAL)
            and not after_blank
        ):
            return True
        # A wrapped sentence whose next line starts with a connective, perhaps in capitals
        # ("…dio como resultado la APROBACIÓN ⏎ POR UNANIMIDAD de la Lista"); not a
        # short line (a name, a heading), and not "De", "La" (which start surnames).
        if (
            not last.endswith(_TERMINAL)
            and not after_blank
            and len(last.split()) >= 6
            and line.split(maxsplit=1)[0].lower() in _WRAPPING
        ):
            return True
        # A wrapped item; not a capitalized line after a blank line (a new paragraph).
        return self.kind == "item" and not last.endswith(_TERMINAL) and not after_blank


_INLINE_ITEM = re.compile(r"(?:^|(?<=[\s.;:,]))(\d{1,2})[.)]-?\s")


@dataclass
class _AgendaTrack:
    """What pass 1 needs to tell an agenda item "3. Acuerdos" from the heading "3. ACUERDOS"."""

    active: bool = False
    items: int = 0
    marker: str | None = None
    last_number: int | None = None
    upper: bool = True
    remarks: int = 0  # paragraphs after its items

    def ends(self, marker: str | None, number: int | None) -> bool:
        """Whether an item that is not the agenda's next one ends it: its numbering starts
        again ("1." after "5."), ordinals follow numbers or the reverse, or a list of another
        kind follows a remark."""
        if marker == self.marker and marker in ("number", "ordinal"):
            return number is not None and number <= 1
        # "Primero.-" after "1." (or the reverse) is the body treating each item.
        return self.remarks > 0 or "ordinal" in (marker, self.marker)

    def is_item(self, line: str, marker: str | None, number: int | None) -> bool:
        if not self.active or marker is None:
            return False
        if self.items == 0:
            return True
        if is_upper(line) and not self.upper:
            return False
        if marker != self.marker:
            return False
        return not (marker == "number" and self.last_number is not None) or (
            number == self.last_number + 1
        )

    def inline(self, text: str) -> None:
        """The agenda listed on its heading's line ("ORDEN DEL DÍA: 1. Lectura del acta.
        2. Informes."): a "1." below is then the body treating each item, not the agenda."""
        numbers = [int(found) for found in itertools.islice(_INLINE_ITEM.findall(text), 100)]
        if len(numbers) >= 2 and numbers[0] == 1:
            self.items, self.marker, self.last_number = len(numbers), "number", numbers[-1]
            self.upper = is_upper(text)

    def add(self, line: str, marker: str | None, number: int | None) -> None:
        if self.items == 0:
            self.marker = marker
        self.items += 1
        self.last_number = number
        self.upper = self.upper and is_upper(line)


def _line_kind(line: str, section: str | None) -> str:
    """The kind of paragraph an unmarked line starts ("para" when none in particular)."""
    folded = fold(line[:200])
    if _CLOSING.match(folded) and not _OPENING.search(folded):
        return "closing"
    if FIELD.match(line):
        return "field"
    if read_presenter(line, in_section=section == PRESENTATIONS) is not None:
        return "presenter"
    if _intro(line):
        return "intro"
    if date_line(line) is not None:
        return "dateline"
    if section is None and TITLE_LINE.match(line) and not line.endswith(":"):
        return "titleline"
    return "para"


WRAP_MIN_LINES = 8  # lines a text needs before its layout's width is guessed
WRAP_MIN_WIDTH = 50  # narrower "wraps" are lists and short lines, not layout


def wrap_width(text: str) -> int | None:
    """The width at which the layout of ``text`` wraps its lines, when it does: most long
    lines of a PDF or a narrow document end within a few characters of the same width. It
    is 90 % of the length that a quarter of the lines reach, if that is at least
    :data:`WRAP_MIN_WIDTH` and a fifth of the lines are that long; else ``None`` (lines of
    any length, as typed text has them, are not wrapped)."""
    lengths = sorted(len(line.strip()) for line in text.split("\n") if line.strip())
    if len(lengths) < WRAP_MIN_LINES:
        return None
    upper = lengths[len(lengths) * 3 // 4]
    width = upper * 9 // 10
    if width < WRAP_MIN_WIDTH:
        return None
    near = sum(1 for length in lengths if width <= length <= upper * 11 // 10)
    return width if near * 5 >= len(lengths) else None


def _ordinal(line: str) -> int | None:
    """The number of an ordinal item ("SEGUNDO.-" is 2, "ACUERDO Nº 3" is 3)."""
    match = _ORDINAL.match(line)
    if match is None:
        return None
    if match["count"]:
        return int(match["count"])
    return _ORDINALS.get(fold(match["ordinal"])[:4], 0)


def _underlined(lines: list[str], position: int) -> bool:
    """Whether the line at ``position`` is a heading underlined as reStructuredText and
    Markdown write them ("Acuerdos" over "========"): the next line, with no blank line
    between, is a sign repeated at least about as long as the heading."""
    if position + 1 >= len(lines) or len(lines[position]) > 200:
        return False
    under = lines[position + 1]
    return bool(_ADORNMENT.match(under)) and len(under) * 3 >= len(lines[position]) * 2


def _generic_heading(line: str, *, underlined: bool, after_agenda: bool) -> bool:
    """A heading by its form that names no known section: underlined, a Markdown heading
    ("# **Título**"), a line all in bold, or (ending an agenda) a line in capitals."""
    if underlined:
        return True
    if len(line) > 120 or line.endswith((".", ";", ",")):
        return False
    if line.startswith("#") or (line.startswith("**") and line.endswith("**") and len(line) > 4):
        return True
    count = len(line.split())
    # "º" and "ª" ("Nº 73") are lower-case letters that capitals keep.
    letters = [c for c in line if c.isalpha() and c not in "ºª"]
    return (
        after_agenda
        and 2 <= count <= 15
        and bool(letters)
        and not any(c.islower() for c in letters)
    )


# A numbered item in CAPS run on inside a long paragraph, after the end of a sentence:
# "… se pasa al orden del día. 1. APROBACIÓN DEL ACTA ANTERIOR. Sin observaciones, …
# 2. ELECCIÓN DE JUEZ DE PAZ. …" (minutes kept as one line per paragraph, or as one line).
_RUN_TOGETHER = re.compile(
    r"(?<=[.:;] )(?=\d{1,2}(?:[.)]|\.-) {1,2}[A-ZÁÉÍÓÚÑÜ]{4,20}(?: {1,2}[A-ZÁÉÍÓÚÑÜ]{1,20}){1,12}"
    r" ?[.:–—-])"
)
RUN_TOGETHER_MIN = 200  # a shorter line is a line of the layout, where items start lines


def run_together(line: str) -> list[str]:
    """``line`` parted before each numbered CAPS item run on inside it (see
    :data:`_RUN_TOGETHER`): each item then reads as a line of its own."""
    if len(line) < RUN_TOGETHER_MIN:
        return [line]
    starts = [match.start() for match in itertools.islice(_RUN_TOGETHER.finditer(line), 100)]
    if not starts:
        return [line]
    bounds = [0, *starts, len(line)]
    return [line[start:end].strip() for start, end in itertools.pairwise(bounds)]


# A form's label in a table cell ("Fecha\t5 de mayo de 2019", "| Lugar | Auditorio |"), as
# Word and OpenDocument tables and Markdown tables give them.
_CELL_LABEL = re.compile(
    r"^\|?\s*(?P<label>fecha|lugar|sede|local|hora|hora\s+de\s+inicio|modalidad|plataforma"
    r"|ciudad|lugar\s+y\s+fecha)\s*:?\s*(?:\t|\s\|\s*|\|\s*)(?P<value>[^\t|]+?)\s*\|?\s*$",
    re.IGNORECASE,
)
FIELD_ALONE = re.compile(r"^(?P<label>fecha|lugar|sede|local|hora|modalidad|ciudad)\s*:$", re.I)


def cell_field(line: str) -> str:
    """A form's label and its value in two cells of a table row ("Fecha<TAB>5 de mayo",
    "| Lugar | Auditorio |") as the typed field "Fecha: 5 de mayo"; other lines as they are."""
    cell = _CELL_LABEL.match(line)
    return f"{cell['label']}: {cell['value']}" if cell is not None else line


def form_fields(lines: list[str]) -> list[str]:
    """A label alone on its line ("Lugar:", as forms put the value below it) takes the next
    line as its value, so the field reads as a typed "Lugar: Auditorio municipal" does."""
    result: list[str] = []
    waiting: str | None = None  # a label alone, waiting for its value
    for line in lines:
        if not line:
            result.append(line)
            continue
        if waiting is not None:
            if FIELD.match(line) or FIELD_ALONE.match(line) or _heading(line) is not None:
                result.append(waiting)
            else:
                line = f"{waiting} {line}"
            waiting = None
        if FIELD_ALONE.match(line):
            waiting = line
            continue
        result.append(line)
    if waiting is not None:
        result.append(waiting)
    return result


def read_units(text: str) -> list[Unit]:
    """Pass 1: the headings, items and paragraphs of ``text``."""
    units: list[Unit] = []
    current: Unit | None = None
    agenda = _AgendaTrack()
    section: str | None = None
    raw = text.replace("\r\n", "\n").replace("\r", "\n")
    wrap = wrap_width(raw)
    lines = form_fields(
        [
            piece
            for line in raw.split("\n")
            for piece in run_together(
                clean(cell_field(line.replace("\ufeff", "").replace("\u00ad", "")))
            )
        ]
    )
    # Blank lines part paragraphs only when the text also has lines one after the other:
    # PDF extraction puts a blank line after every line of some documents.
    adjacent = sum(1 for first, second in itertools.pairwise(lines) if first and second)
    blanks_part = adjacent * 4 >= sum(1 for line in lines if line)
    blank = False  # a blank line (that parts paragraphs) before this one
    for position, line in enumerate(lines):
        if not line:
            blank = blanks_part
            continue
        if _ADORNMENT.match(line) or _TABLE_RULE.match(line):  # no words, and not a break
            continue
        after_blank, blank = blank, False
        underlined = _underlined(lines, position)
        bullet = _BULLET.match(line)
        marker = bullet.lastgroup if bullet else None
        number = int(bullet["number"]) if bullet and bullet["number"] else None
        body = line[bullet.end() :] if bullet else line
        if marker is None:
            number = _ordinal(line)
            marker = "ordinal" if number is not None else None
        is_item = agenda.is_item(body, marker, number) and not (underlined and agenda.items)
        heading = None if is_item else _heading(line)
        if heading is not None and marker is not None and heading[1]:
            heading = None  # "- Próxima reunión: …" inside a list is an item
        # Before any section a heading by its form is the title, read with the preamble.
        if (
            heading is None
            and not is_item
            and section is not None
            and _generic_heading(
                line,
                underlined=underlined,
                after_agenda=agenda.active
                and agenda.items > 0
                and _line_kind(line, section) == "para",
            )
        ):
            heading = (NOTES, "")
            current = Unit(len(units), "heading", [line], section=NOTES, generic=True)
            units.append(current)
            section = NOTES
            agenda = _AgendaTrack()
            continue
        if heading is not None:
            current = Unit(len(units), "heading", [line], section=heading[0], rest=heading[1])
            key = heading_key(line)
            # A heading of the minutes' own, or with words of its own ("CUARTO: ACUERDOS",
            # "Control de asistencia"): its line also goes to the notes.
            numbered = _HEADING_NUMBER.match(fold(line[:40]).strip(" #*_"))
            current.generic = not heading[1] and (
                HEADINGS.get(key) is None or bool(numbered and numbered["ordinal"])
            )
            units.append(current)
            section = heading[0]
            agenda = _AgendaTrack(active=section == AGENDA)
            if agenda.active and heading[1]:
                agenda.inline(heading[1])
            continue
        if marker is not None:
            current = Unit(len(units), "item", [], marker=marker, number=number)
            current.add(line if marker == "ordinal" else body)
            units.append(current)
            if agenda.active and agenda.items and not is_item and agenda.ends(marker, number):
                current.closes = True
                section = NOTES
                agenda = _AgendaTrack()
            elif agenda.active:
                agenda.add(body, marker, number)
            continue
        kind = _line_kind(line, section)
        # Lists of attendees are one per line, often of one width: no layout wrap there.
        width = None if section == ATTENDEES else wrap
        if (
            kind == "para"
            and current is not None
            and not _TABLE_ROW.match(line)
            and current.continued_by(line, width, after_blank=after_blank)
        ):
            current.add(line)
            continue
        current = Unit(len(units), kind, [])
        current.add(line)
        units.append(current)
        if agenda.active and agenda.items:
            agenda.remarks += 1
        if kind == "intro":
            section = current.section = _intro(line)
            agenda = _AgendaTrack(active=section == AGENDA)
        elif kind == "presenter":
            section = PRESENTATIONS
            agenda = _AgendaTrack()
        elif kind == "closing":
            section = CLOSING
            agenda = _AgendaTrack()
    return units


# --- Date lines and quoted titles, read again in pass 2 --------------------------------------


def date_line(line: str) -> tuple[dates.DateMatch, str | None] | None:
    """A line that is only a date, perhaps with a weekday ("Lunes 16 de marzo de 2026",
    "16/03/2026"), or a place and a date ("Lima, 20 de abril de 2026"): the date and the
    place."""
    if len(line) > 120:
        return None
    found = dates.find_dates(line)
    if not found:
        return None
    first = found[0]
    after = line[first.end :].strip(" .")
    if after:
        return None
    before = line[: first.start].strip()
    words = before.rstrip(",").split()
    if words and fold(words[-1]) in {fold(day) for day in dates.WEEKDAYS}:
        before = " ".join(before.split()[:-1]).rstrip(",").strip()
        words = words[:-1]
    if not before:
        return first, None
    if not before.endswith(",") and words:
        return None
    place = before.rstrip(",").strip()
    if (
        not place
        or len(place) > 60
        or any(ch.isdigit() for ch in place)
        or not is_capitalized(place)
        or fold(place.split()[0]) in ("el", "la", "los", "las", "fecha")
    ):
        return None
    return first, place


_OPENING_QUOTES = {"“": "”", "«": "»", '"': '"'}
_NAMING = word_set("denominado denominada titulado titulada llamado llamada nombre tema")


def quoted_title(parts: list[str]) -> tuple[str, bool] | None:
    """The first quoted name in a paragraph's lines that reads as a title (three words or
    more, or after "denominado", "titulado"…), with its line breaks joined; and whether a
    colon was assumed at a break (see the package's docstring)."""
    text = "\n".join(" ".join(part.split()) for part in parts)
    position = 0
    for _attempt in range(20):
        starts = [(text.find(q, position), q) for q in _OPENING_QUOTES]
        starts = [(s, q) for s, q in starts if s != -1]
        if not starts:
            return None
        start, quote = min(starts)
        end = text.find(_OPENING_QUOTES[quote], start + 1)
        if end == -1:
            return None
        inner = text[start + 1 : end].strip()
        before = WORD.findall(fold(text[max(0, start - 40) : start]))
        if inner and len(inner) <= 300 and (len(inner.split()) >= 3 or set(before[-3:]) & _NAMING):
            return _join_title_lines(inner.split("\n"))
        position = end + 1
    return None


def _join_title_lines(lines: list[str]) -> tuple[str, bool]:
    title = lines[0].strip()
    colon = False
    for line in lines[1:]:
        line = line.strip()
        if not line:
            continue
        before_words = WORD.findall(fold(title))
        after_words = line.split()
        if (
            len(before_words) >= 2
            and not title.endswith((*_TERMINAL, ",", "-", "–", "—"))
            and before_words[-1] not in _CONNECTIVES
            and line[0].islower()
            and fold(after_words[0]) not in _CONNECTIVES
            and len(after_words) >= 3
        ):
            title = f"{title}: {line}"
            colon = True
        else:
            title = f"{title} {line}"
    return clean(title), colon
