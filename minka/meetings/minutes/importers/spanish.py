"""The structure parser of the minutes importer: from the plain text of Spanish minutes to
:class:`ParsedMinutes`. Pure Python: no models, no I/O.

How the text is read, in two passes:

1. **Units.** Blank lines are ignored (PDF extraction adds and drops them). Each line
   starts a new unit when it is a section heading ("Acuerdos", "2. AGENDA:"), a list item
   ("-", "•", "*", "1.", "1)", "a)"), or a line of its own kind (a field such as "Fecha:",
   "Lugar:", "Responsable:", "Plazo:"; a presenter line; a date line such as "Lima, 20 de
   abril de 2026"; a title line "ACTA …"; an introduction ending in a colon that names a
   section, "Se acordó lo siguiente:"; a closing line "Siendo las 13:00 horas se levantó la
   sesión"). Any other line *continues* the unit before it when it starts in lower case,
   when the unit has an unclosed bracket or quote, when the unit's last word is a
   connective ("de", "y", "con"…), or when the unit is a list item that does not end in
   punctuation (a wrapped item, as PDF and narrow documents wrap them). Otherwise it starts
   a new paragraph. Wrapped lines are joined with a single space; white space runs are
   collapsed; the text is otherwise kept as written (only the list marker is removed).

2. **Sections.** Units are read in order with a current section (none at first: the
   preamble). Headings and introductions change it; a presenter line opens a presentation.
   Attendees are "Name (Organization)", "Name – Organization" (also "-", "—" and a comma)
   or a bare name; agreements take "Responsable:" and "Plazo:" as fields, inline or on
   lines of their own; an agreement about the next meeting stays an agreement and also
   sets the next meeting (unless a "Próxima reunión" section does). In a section whose
   first item carries a list marker, a later unmarked paragraph is not an item but a
   note (it is usually a remark after the list).

Nothing is lost: every unit ends up in a field or in ``notes``. A unit that gave a field
(a date, a place, a title, a presenter, a section) and still has words that no field took
and that are not boilerplate ("se realizó la reunión", "quien planteó") goes to the notes
whole: the opening sentence "El 16 de marzo del presente se realizó la primera reunión de
trabajo con organizaciones…" gives the date and the title *and* stays in the notes, because
"primera reunión de trabajo con organizaciones" is information no field holds; "Entre los
temas propuestos durante la reunión se encuentran:" only opens the interventions.

Titles: a quoted name (“…”, "…" or «…») in the preamble wins over a heading line
("ACTA …", "MINUTA …", "AYUDA MEMORIA …"), which then goes to the notes. A quoted title
broken over two lines is joined with a space, except when the break looks like a lost
colon between a title and its subtitle: the first part does not end in punctuation or a
connective, and the second starts in lower case with a word that is not a connective and
has at least three words (“Desarrollo de las TIC en el Perú ⏎ aportes desde la sociedad
civil” reads "Desarrollo de las TIC en el Perú: aportes desde la sociedad civil"). That
guess is reported in ``warnings``.

Dates: the meeting's date comes from a "Fecha:" line first, then a date line ("Lima, 20
de abril de 2026", "16/03/2026") or an "ACTA" line, then the first date in a preamble
paragraph. "del presente" and dates without a year take ``year`` (else the year of
``today``, with a warning). The next meeting and deadlines without a year take the
meeting's year (the next year when that would fall before the meeting); relative phrases
("dentro de un mes") count from the meeting's date.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from minka.core.text import fold
from minka.meetings.minutes.importers import dates, places
from minka.meetings.minutes.importers.parsed import (
    ParsedAgreement,
    ParsedAttendee,
    ParsedMinutes,
    ParsedNextMeeting,
    ParsedPresentation,
)

logger = logging.getLogger(__name__)

ATTENDEES = "attendees"
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
        ),
        NEXT_MEETING,
    ),
    **dict.fromkeys(
        ("notas", "observaciones", "otros", "varios", "otros temas", "otros asuntos"), NOTES
    ),
}
# Phrases that make a line ending in a colon an introduction to a section.
_INTRO = re.compile(
    r"\b(?P<attendees>asistieron|participaron|asistentes|participantes|estuvieron presentes)\b"
    r"|\b(?P<agenda>agenda|orden del dia|puntos a tratar|temario)\b"
    r"|\b(?P<presentations>presentaciones|exposiciones)\b"
    r"|\b(?P<interventions>intervenciones|temas propuestos|temas tratados|intervinieron"
    r"|comentarios|se discutio|se discutieron|se trataron)\b"
    r"|\b(?P<agreements>acuerdos|compromisos|se acordo|acordaron|se acordaron)\b"
    r"|\b(?P<next_meeting>proxima reunion|proxima sesion)\b"
)
_CLOSING = re.compile(
    r"^(?:siendo\s+las|se\s+levanto\s+la|sin\s+(?:otro|mas)\s+(?:particular|asuntos?|temas?)"
    r"|no\s+habiendo\s+(?:otro|otros|mas)|se\s+dio\s+por\s+(?:concluida|terminada|finalizada"
    r"|culminada)|(?:la\s+)?(?:reunion|sesion)\s+(?:concluyo|termino|finalizo|culmino))\b"
)
_BULLET = re.compile(
    r"^(?:(?P<symbol>[•·▪◦‣●○■□➢►✓]\s*|[-*–—]\s+)|(?P<number>\d{1,3})[.)]\s+"
    r"|(?P<letter>[a-zA-Z])\)\s+)(?=\S)"
)
_HEADING_NUMBER = re.compile(r"^(?:(?:\d{1,2}|[ivxlc]{1,6}|[a-z])[.)-]|[-•*·–—])\s*")
_FIELD = re.compile(
    r"^(?P<label>fecha\s+l[ií]mite|fecha\s+de\s+entrega|fecha(?:\s+y\s+(?:hora|lugar))?"
    r"|lugar(?:\s+y\s+fecha)?|sede|local|d[ií]a|hora(?:\s+de\s+inicio)?|horario"
    r"|responsables?|encargad[oa]s?|plazo|t[ií]tulo|asunto|tema|modalidad"
    r"|expositor(?:a|es)?|ponentes?|presentador(?:a)?)\s*:\s*",
    re.IGNORECASE,
)
_TITLE_LINE = re.compile(r"^(?:acta|minuta|ayuda\s+memoria)\b", re.IGNORECASE)
_HONORIFIC = (
    r"(?:srta|sra|sr|dra|dr|ing|lic|mg|mag|prof|abog|econ|arq|se[ñn]orita|se[ñn]ora|se[ñn]or"
    r"|doctora|doctor|ingeniera|ingeniero|licenciada|licenciado|profesora|profesor"
    r"|mag[ií]ster)\b\.?"
)
_PRESENTATION_OF = re.compile(
    r"\b(?:presentaci[oó]n|exposici[oó]n|ponencia)\s+(?P<prep>del|de\s+la|de)\s+"
    rf"(?:(?P<hon>{_HONORIFIC})\s+)?",
    re.IGNORECASE,
)
_HONORIFIC_AT = re.compile(rf"(?:(?:el|la)\s+)?(?P<hon>{_HONORIFIC})\s+", re.IGNORECASE)
_HONORIFIC_START = re.compile(rf"^{_HONORIFIC_AT.pattern}", re.IGNORECASE)
_PRESENTED = re.compile(
    r"[\s,]*(?:quien\s+)?(?:present[oó]|expuso|plante[oó]|explic[oó]|compart[ií]o"
    r"|realiz[oó]\s+(?:una|la\s+)?\s*presentaci[oó]n)\b",
    re.IGNORECASE,
)
_AGREEMENT_FIELD = re.compile(
    r"(?:^|(?<=[\s(\[.;,–—-]))(?P<label>responsables?|encargad[oa]s?|a\s+cargo\s+de"
    r"|plazo|fecha\s+l[ií]mite|fecha\s+de\s+entrega)\s*:\s*",
    re.IGNORECASE,
)
_NEXT_PHRASE = re.compile(r"\b(?:pr[oó]xima|siguiente)\s+(?:reuni[oó]n|sesi[oó]n)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\S+")
_DASHES = ("-", "–", "—")
_TERMINAL = (".", "!", "?", ":", ";", "…")


def _set(words: str) -> frozenset[str]:
    """The words of ``words`` (written as prose, which reads better than a list)."""
    return frozenset(words.split())


_CONNECTIVES = _set(
    "de del la las el los lo un una y e o u en con para por a al que su sus sobre entre "
    "desde hacia como sin ante segun tras mediante hasta se es son"
)
_PARTICLES = _set("de del la las los y da van von di")
_ORGANIZATION_WORDS = _set(
    "asociacion organizacion red instituto ministerio viceministerio colegio centro consejo "
    "sociedad universidad fundacion ong comision camara grupo mesa colectivo foro secretaria "
    "direccion programa oficina agencia coordinadora federacion confederacion gremio capitulo "
    "internet isoc empresa municipalidad gobierno congreso superintendencia osiptel pcm mtc "
    "proyecto observatorio alianza comite cooperativa defensoria unidad area"
)
_NAME_STOP = _set(
    "quien quienes que y e sobre acerca presento expuso planteo explico compartio senalo "
    "realizo hizo indico informo menciono destaco con en por para"
)
# Words that may vanish from a line that gave a field: articles, prepositions, and the
# phrases minutes wrap fields in ("se realizó la reunión", "quien planteó").
BOILERPLATE = (
    _set(
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


def _today() -> dt.date:
    from django.conf import settings

    if settings.configured:
        from django.utils import timezone

        return timezone.localdate()
    return dt.date.today()  # noqa: DTZ011 -- no settings, no time zone: the machine's date.


def parse_minutes(
    text: str, *, year: int | None = None, today: dt.date | None = None
) -> ParsedMinutes:
    """Find the structure of the Spanish minutes ``text`` (see the module's docstring).

    ``year`` is the year of dates written without one ("16 de marzo del presente"); without
    it, the year of ``today`` (by default the site's current date) is assumed and a warning
    says so. Never raises: should an unexpected error occur, the whole text is returned as
    notes with a warning.
    """
    today = today or _today()
    try:
        return _Parser(text, year=year, today=today).run()
    except Exception:  # "Never raises" is the contract; the error is logged.
        logger.exception("The minutes parser failed; the text is kept as notes.")
        lines = [" ".join(line.split()) for line in str(text).splitlines()]
        return ParsedMinutes(
            notes=[line for line in lines if line],
            warnings=[
                _("The structure of the minutes could not be read; the text was kept as notes.")
            ],
        )


# --- Lines and units -----------------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _short(text: str, limit: int = 80) -> str:
    text = _clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def heading_key(line: str) -> str:
    """The folded form of a line that :data:`HEADINGS` is keyed on."""
    key = _HEADING_NUMBER.sub("", fold(line[:120]).strip())
    return " ".join(key.strip(" :.*_").split())


def _heading(line: str) -> tuple[str, str] | None:
    """``(section, rest)`` when ``line`` is a heading, possibly followed by a colon and
    text ("Próxima reunión: 18 de mayo")."""
    if len(line) > 200:
        return None
    section = HEADINGS.get(heading_key(line))
    if section:
        return section, ""
    colon = line.find(":", 0, 60)
    if colon > 0 and line[colon + 1 :].strip():
        section = HEADINGS.get(heading_key(line[:colon]))
        if section:
            return section, line[colon + 1 :].strip()
    return None


def _intro(line: str) -> str | None:
    """The section a line such as "Se acordó lo siguiente:" introduces."""
    if not line.endswith(":") or len(line) > 300:
        return None
    match = _INTRO.search(fold(line))
    if match is None or len(line.split()) > 25:
        return None
    return match.lastgroup


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(not ch.islower() for ch in letters)


@dataclass
class _Unit:
    """One heading, list item or paragraph, its wrapped lines joined."""

    index: int
    kind: str  # "heading", "item" or a paragraph kind: "para", "field", "presenter"…
    parts: list[str]
    marker: str | None = None  # "symbol", "number" or "letter" for list items
    number: int | None = None
    section: str | None = None  # headings and introductions
    rest: str = ""  # a heading's text after its colon
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
            self._text = _clean(" ".join(self.parts))
        return self._text

    def continued_by(self, line: str) -> bool:
        if self.kind == "heading":
            return False
        first = line[0]
        if first.islower() or first in ",;)]”»":
            return True
        if self.opened > 0 or self.quotes % 2:
            return True
        last = self.parts[-1]
        words = _WORD.findall(fold(last[-40:]))
        if words and words[-1] in _CONNECTIVES and not last.endswith(_TERMINAL):
            return True
        return self.kind == "item" and not last.endswith(_TERMINAL)


@dataclass
class _AgendaTrack:
    """What pass 1 needs to tell an agenda item "3. Acuerdos" from the heading "3. ACUERDOS"."""

    active: bool = False
    items: int = 0
    marker: str | None = None
    last_number: int | None = None
    upper: bool = True

    def is_item(self, line: str, marker: str | None, number: int | None) -> bool:
        if not self.active or marker is None:
            return False
        if self.items == 0:
            return True
        if _is_upper(line) and not self.upper:
            return False
        if marker != self.marker:
            return False
        return not (marker == "number" and self.last_number is not None) or (
            number == self.last_number + 1
        )

    def add(self, line: str, marker: str | None, number: int | None) -> None:
        if self.items == 0:
            self.marker = marker
        self.items += 1
        self.last_number = number
        self.upper = self.upper and _is_upper(line)


def _line_kind(line: str, section: str | None) -> str:
    """The kind of paragraph an unmarked line starts ("para" when none in particular)."""
    folded = fold(line[:200])
    if _CLOSING.match(folded):
        return "closing"
    if _FIELD.match(line):
        return "field"
    if _presenter(line, in_section=section == PRESENTATIONS) is not None:
        return "presenter"
    if _intro(line):
        return "intro"
    if _date_line(line) is not None:
        return "dateline"
    if section is None and _TITLE_LINE.match(line) and not line.endswith(":"):
        return "titleline"
    return "para"


def _units(text: str) -> list[_Unit]:
    """Pass 1: the headings, items and paragraphs of ``text``."""
    units: list[_Unit] = []
    current: _Unit | None = None
    agenda = _AgendaTrack()
    section: str | None = None
    raw = text.replace("\r\n", "\n").replace("\r", "\n")
    for raw_line in raw.split("\n"):
        line = _clean(raw_line.replace("\ufeff", "").replace("\u00ad", ""))
        if not line:
            continue
        bullet = _BULLET.match(line)
        marker = bullet.lastgroup if bullet else None
        number = int(bullet["number"]) if bullet and bullet["number"] else None
        body = line[bullet.end() :] if bullet else line
        heading = None if agenda.is_item(body, marker, number) else _heading(line)
        if heading is not None and marker is not None and heading[1]:
            heading = None  # "- Próxima reunión: …" inside a list is an item
        if heading is not None:
            current = _Unit(len(units), "heading", [line], section=heading[0], rest=heading[1])
            units.append(current)
            section = heading[0]
            agenda = _AgendaTrack(active=section == AGENDA)
            continue
        if marker is not None:
            current = _Unit(len(units), "item", [], marker=marker, number=number)
            current.add(body)
            units.append(current)
            if agenda.active:
                agenda.add(body, marker, number)
            continue
        kind = _line_kind(line, section)
        if kind == "para" and current is not None and current.continued_by(line):
            current.add(line)
            continue
        current = _Unit(len(units), kind, [])
        current.add(line)
        units.append(current)
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


# --- Names, presenters, attendees -----------------------------------------------------------


def title_case(name: str) -> str:
    """ "JUAN CARLOS DE LA CRUZ" → "Juan Carlos de la Cruz" (each part of a hyphenated name
    too); particles stay in lower case except at the start."""
    words = []
    for position, word in enumerate(name.split()):
        if position and fold(word) in _PARTICLES:
            words.append(word.lower())
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def _capitalized(word: str) -> bool:
    return bool(word) and word[0].isalpha() and word[0].isupper()


def _is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


@dataclass
class _Person:
    name: str
    organization: str | None
    end: int  # where the name (and its organization) ends in the text


def _read_person(text: str, start: int, *, upper: bool) -> _Person | None:
    """The name that starts at ``start`` and the organization written right after it:
    "(Organización)", "de la Asociación X" (an organization word or acronym must follow
    "de la") or "– Organización"."""
    tokens = list(itertools.islice(_TOKEN.finditer(text, start), 40))
    names: list[re.Match[str]] = []
    index = 0
    while index < len(tokens) and len(names) < 8:
        word = tokens[index][0]
        core = word.rstrip(",:;.")
        if word.startswith("(") or word in _DASHES or not core:
            break
        folded = fold(core)
        if folded in _PARTICLES and folded != "y":
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            following_core = following.rstrip(",:;.")
            if (
                names
                and core == word
                and (_capitalized(following_core) or fold(following_core) in _PARTICLES)
                and fold(following_core) not in _ORGANIZATION_WORDS
                and (upper or not _is_acronym(following_core))
            ):
                index += 1
                continue
            break
        if folded in _NAME_STOP or not _capitalized(core):
            break
        if names and folded in _ORGANIZATION_WORDS:
            break
        names.append(tokens[index])
        index += 1
        if core != word and not (word.endswith(".") and len(core) == 1):
            break  # "Astudillo," or "Pérez:" ends the name
    while names and fold(names[-1][0]) in _PARTICLES:
        names.pop()
    if not names:
        return None
    name = _clean(text[names[0].start() : names[-1].end()]).rstrip(",:;")
    if name.endswith(".") and not re.search(r"\b\w\.$", name):
        name = name[:-1]
    if upper or _is_upper(name):
        name = title_case(name)
    end = names[-1].start() + len(names[-1][0].rstrip(",:;"))
    index = next(i for i, token in enumerate(tokens) if token.start() == names[-1].start()) + 1
    organization = None
    if names[-1][0].rstrip(",:;.") == names[-1][0] and index < len(tokens):
        organization, end = _read_organization(text, tokens, index, end, upper=upper)
    return _Person(name=name, organization=organization, end=end)


def _read_organization(
    text: str, tokens: list[re.Match[str]], index: int, end: int, *, upper: bool
) -> tuple[str | None, int]:
    word = tokens[index][0]
    if word.startswith("("):
        close = text.find(")", tokens[index].start(), tokens[index].start() + 200)
        if close == -1:
            return None, end
        organization = _clean(text[tokens[index].start() + 1 : close])
        return organization or None, close + 1
    first = None
    if word in _DASHES:
        first = index + 1
    elif fold(word) in ("de", "del"):
        first = index + 1
        if first < len(tokens) and fold(tokens[first][0]) in ("la", "los", "las", "el"):
            first += 1
        if first >= len(tokens):
            return None, end
        candidate = tokens[first][0].rstrip(",:;.")
        if not (fold(candidate) in _ORGANIZATION_WORDS or (not upper and _is_acronym(candidate))):
            return None, end
    if first is None or first >= len(tokens):
        return None, end
    last = None
    for token in tokens[first : first + 14]:
        core = token[0].rstrip(",:;.")
        if token[0].startswith("(") or fold(core) in _NAME_STOP - {"y", "e", "en", "por", "para"}:
            break
        last = token
        if core != token[0]:
            break
    if last is None:
        return None, end
    organization = _clean(text[tokens[first].start() : last.end()]).rstrip(",:;.")
    return organization or None, last.end()


@dataclass
class _Presenter:
    name: str
    organization: str | None
    point: str  # the text after the line's colon, if any


def _presenter(line: str, *, in_section: bool) -> _Presenter | None:
    """The presenter a line names: "Presentación del Sr. X quien planteó:", "La Sra. X
    presentó …:", "PRESENTACIÓN DEL ING. X", "Expositor: Dra. X (Org)"; in a presentations
    section also a line that starts with a courtesy title ("Ing. X – Org")."""
    if len(line) > 400:
        return None
    upper = _is_upper(line)
    person = None
    label = _FIELD.match(line)
    if label and fold(label["label"]).startswith(("expositor", "ponente", "presentador")):
        start = label.end()
        honorific = _HONORIFIC_AT.match(line, start)
        person = _read_person(line, honorific.end() if honorific else start, upper=upper)
    elif label:
        return None
    if person is None:
        match = _PRESENTATION_OF.search(line)
        if match is not None:
            if match["hon"]:
                person = _read_person(line, match.end(), upper=upper)
            elif fold(match["prep"]) == "de":
                candidate = _read_person(line, match.end(), upper=upper)
                words = candidate.name.split() if candidate else []
                if (
                    len(words) >= 2
                    and all(_capitalized(w) or fold(w) in _PARTICLES for w in words)
                    and fold(words[0]) not in _ORGANIZATION_WORDS
                ):
                    person = candidate
    if person is None:
        match = _HONORIFIC_START.match(line)
        if match is not None:
            candidate = _read_person(line, match.end(), upper=upper)
            if candidate is not None:
                presented = _PRESENTED.match(line, candidate.end)
                if in_section or (presented and ":" in line[presented.end() :]):
                    person = candidate
    if person is None:
        return None
    colon = line.find(":", person.end)
    point = _clean(line[colon + 1 :]) if colon != -1 else ""
    return _Presenter(name=person.name, organization=person.organization, point=point)


def _looks_like_name(name: str) -> bool:
    stripped = _HONORIFIC_START.sub("", name)
    words = stripped.split()
    if not words or len(words) > 7 or any(ch.isdigit() for ch in name):
        return False
    capitalized = [w for w in words if _capitalized(w)]
    if any(not _capitalized(w) and fold(w) not in _PARTICLES for w in words):
        return False
    return len(capitalized) >= 2 or (stripped != name and len(capitalized) == 1)


def _strip_honorific(name: str) -> str:
    return _HONORIFIC_START.sub("", name).strip() or name


def parse_attendee(text: str) -> ParsedAttendee | None:
    """ "Nombre (Organización)", "Nombre – Organización" (also "-" with spaces, "—" and a
    comma) or a bare name; ``None`` when ``text`` does not look like one."""
    text = text.strip().rstrip(".;,").strip()
    name, organization = text, None
    if text.endswith(")") and "(" in text:
        opening = text.find("(")
        name, organization = text[:opening].strip(), text[opening + 1 : -1].strip()
    else:
        for separator in (" - ", "–", "—", ","):
            position = text.find(separator)
            if position > 0:
                name = text[:position].strip()
                organization = text[position + len(separator) :].strip(" -–—,")
                break
    if not _looks_like_name(name):
        return None
    name = _strip_honorific(_clean(name))
    if _is_upper(name):
        name = title_case(name)
    return ParsedAttendee(name=name, organization=_clean(organization or "") or None)


def _split_attendees(text: str) -> list[str]:
    """Several attendees on one line: "A (X); B (Y)" or "A (X), B (Y) y C (Z)"."""
    if ";" in text:
        return [part for part in (p.strip() for p in text.split(";")) if part]
    parts = re.split(r"(?<=\))\s*(?:,|\by\b)\s*", text)
    return [part for part in (p.strip() for p in parts) if part]


# --- Dates ----------------------------------------------------------------------------------


def _date_line(line: str) -> tuple[dates.DateMatch, str | None] | None:
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
        or not _capitalized(place)
        or fold(place.split()[0]) in ("el", "la", "los", "las", "fecha")
    ):
        return None
    return first, place


# --- Pass 2 ---------------------------------------------------------------------------------


@dataclass
class _Candidate:
    priority: int
    order: int
    value: object


@dataclass
class _Claim:
    """A unit that gave values to fields chosen at the end (date, place, title): it goes to
    the notes when it has other words, or when a field took another value."""

    unit: _Unit
    leftover: bool
    fields: dict[str, object] = field(default_factory=dict)


@dataclass
class _PendingDate:
    """A date to resolve once the meeting's date is known (deadlines, next meeting)."""

    match: dates.DateMatch | None
    relative: dates.RelativeMatch | None


class _Parser:
    def __init__(self, text: str, *, year: int | None, today: dt.date) -> None:
        self.text = text
        self.year = year
        self.today = today
        self.result = ParsedMinutes()
        self.notes: list[tuple[int, str]] = []
        self.warnings: list[str] = []
        self.candidates: dict[str, list[_Candidate]] = {"date": [], "place": [], "title": []}
        self.claims: list[_Claim] = []
        self.section: str | None = None
        self.marked: dict[str, bool] = {}
        self.next_parts: list[str] = []
        self.next_from_agreement: str | None = None
        self.deadlines: list[tuple[ParsedAgreement, _PendingDate, str]] = []

    # -- entry point

    def run(self) -> ParsedMinutes:
        for unit in _units(self.text):
            self.unit(unit)
        self.finish()
        result = self.result
        result.notes = [text for _order, text in sorted(self.notes, key=lambda n: n[0])]
        result.warnings = self.warnings
        return result

    def note(self, unit: _Unit, text: str | None = None) -> None:
        self.notes.append((unit.index, text if text is not None else unit.text))

    def claim(self, unit: _Unit, used: list[str], **fields: object) -> None:
        """Record that ``unit`` gave ``fields``; ``used`` are the texts it gave."""
        used_words = {word for text in used for word in _words(text)}
        leftover = any(
            word not in used_words and word not in BOILERPLATE for word in _words(unit.text)
        )
        self.claims.append(_Claim(unit=unit, leftover=leftover, fields=fields))

    def consume(self, unit: _Unit, used: list[str]) -> None:
        """``unit`` gave what it had to a field; the notes keep it when words remain."""
        self.claim(unit, used)

    # -- units

    def unit(self, unit: _Unit) -> None:
        if unit.kind == "heading":
            self.section = unit.section
            if unit.rest:
                self.unit(_Unit(unit.index, "para", [unit.rest]))
            return
        text = unit.text
        if unit.kind == "closing":
            self.section = CLOSING
            self.note(unit)
            return
        if unit.kind == "presenter" or (unit.kind == "field" and self.section != AGREEMENTS):
            presenter = _presenter(text, in_section=self.section == PRESENTATIONS)
            if presenter is not None:
                self.presentation(unit, presenter)
                return
        if unit.kind == "intro":
            self.section = unit.section
            self.consume(unit, [])
            return
        if unit.kind == "field" and self.field(unit):
            return
        if unit.kind in ("dateline", "titleline") and self.section not in (
            AGREEMENTS,
            NEXT_MEETING,
        ):
            self.preamble(unit)
            return
        self.in_section(unit)

    def in_section(self, unit: _Unit) -> None:
        section = self.section
        text = unit.text
        if section in (AGENDA, INTERVENTIONS, AGREEMENTS, PRESENTATIONS):
            marked = self.marked.setdefault(section, unit.marker is not None)
            if marked and unit.marker is None:
                self.note(unit)
                return
        if section is None:
            self.preamble(unit)
        elif section == ATTENDEES:
            self.attendees(unit)
        elif section == AGENDA:
            self.result.agenda.append(text)
        elif section == INTERVENTIONS:
            self.result.interventions.append(text)
        elif section == PRESENTATIONS:
            if not self.result.presentations:
                self.result.presentations.append(ParsedPresentation())
            self.result.presentations[-1].points.append(text)
        elif section == AGREEMENTS:
            self.agreement(unit)
        elif section == NEXT_MEETING:
            self.next_parts.append(text)
        else:
            self.note(unit)

    def presentation(self, unit: _Unit, presenter: _Presenter) -> None:
        self.section = PRESENTATIONS
        self.marked.pop(PRESENTATIONS, None)
        presentation = ParsedPresentation(
            presenter=presenter.name, organization=presenter.organization
        )
        if presenter.point:
            presentation.points.append(presenter.point)
        self.result.presentations.append(presentation)
        used = [presenter.name, presenter.organization or "", presenter.point]
        self.consume(unit, used)

    def field(self, unit: _Unit) -> bool:
        """A "Label: value" line; False when the label means nothing here."""
        text = unit.text
        match = _FIELD.match(text)
        if match is None:
            return False
        label = fold(match["label"])
        value = text[match.end() :].strip()
        if label.startswith(("responsable", "encargad", "plazo", "fecha limite", "fecha de ent")):
            if self.section == AGREEMENTS and self.result.agreements:
                self.agreement_fields(self.result.agreements[-1], text)
                return True
            return False
        if self.section not in (None, ATTENDEES, AGENDA):
            return False
        if label.startswith(("titulo", "asunto", "tema")) and self.section is None and value:
            self.candidates["title"].append(_Candidate(0, unit.index, value))
            self.claim(unit, [value], title=value)
            return True
        if label.startswith(("lugar y fecha", "fecha")):
            found = dates.find_dates(value)
            if not found:
                return False
            first = found[0]
            used = [value[first.start : first.end]]
            fields: dict[str, object] = {"date": first}
            self.candidates["date"].append(_Candidate(0, unit.index, first))
            dated = _date_line(value)
            rest = (value[: first.start] + " " + value[first.end :]).strip(" ,.;-–—")
            if dated is not None and dated[1]:
                rest = dated[1]
            if label in ("lugar y fecha", "fecha y lugar") and rest:
                self.candidates["place"].append(_Candidate(0, unit.index, rest))
                fields["place"] = rest
                used.append(rest)
            self.claim(unit, used, **fields)
            return True
        if label in ("lugar", "sede", "local") and value:
            place = value[:-1] if value.endswith(".") else value
            self.candidates["place"].append(_Candidate(0, unit.index, place))
            self.claim(unit, [place], place=place)
            return True
        return False

    def preamble(self, unit: _Unit) -> None:
        """A paragraph before the first section, or a date or title line anywhere."""
        text = unit.text
        fields: dict[str, object] = {}
        used: list[str] = []
        line = _date_line(text)
        if line is not None:
            found, place = line
            self.candidates["date"].append(_Candidate(1, unit.index, found))
            fields["date"] = found
            used.append(text[found.start : found.end])
            if place:
                self.candidates["place"].append(_Candidate(1, unit.index, place))
                fields["place"] = place
                used.append(place)
        if "place" not in fields:
            self.passing_place(unit, fields, used)
        if unit.kind == "titleline" or (
            self.section is None and unit.marker is None and _TITLE_LINE.match(text)
        ):
            title = text.rstrip(":")
            used.append(title)
            # "ACTA", "MINUTA DE REUNIÓN": the kind of document, not a title.
            if any(word not in BOILERPLATE for word in _words(title)):
                self.candidates["title"].append(_Candidate(1, unit.index, title))
                fields["title"] = title
            if line is None:
                found_dates = dates.find_dates(text)
                if found_dates:
                    self.candidates["date"].append(_Candidate(1, unit.index, found_dates[0]))
                    fields["date"] = found_dates[0]
        elif self.section is None and unit.marker is None:
            quoted = _quoted_title(unit.parts)
            if quoted is not None:
                title, colon = quoted
                self.candidates["title"].append(_Candidate(0, unit.index, title))
                fields["title"] = title
                used.append(title)
                if colon:
                    fields["title_colon"] = title
            if line is None:
                found_dates = dates.find_dates(text)
                if found_dates:
                    self.candidates["date"].append(_Candidate(2, unit.index, found_dates[0]))
                    fields["date"] = found_dates[0]
                    first = found_dates[0]
                    used.append(text[first.start : first.end])
        if not used:
            self.note(unit)
            return
        self.claim(unit, used, **fields)

    def passing_place(self, unit: _Unit, fields: dict[str, object], used: list[str]) -> None:
        """A place named in passing: in an opening sentence, or a known place in brackets
        (after the "Lugar:" line and the date line, which come first)."""
        for priority, place in (
            (2, places.place_in_sentence(unit.text)),
            (3, places.place_in_brackets(unit.text)),
        ):
            if place:
                self.candidates["place"].append(_Candidate(priority, unit.index, place))
                fields["place"] = place
                used.append(place)
                return

    def attendees(self, unit: _Unit) -> None:
        parts = _split_attendees(unit.text)
        parsed = [parse_attendee(part) for part in parts]
        if parts and all(attendee is not None for attendee in parsed):
            self.result.attendees.extend(a for a in parsed if a is not None)
            return
        self.note(unit)
        self.warnings.append(
            _(
                "“%(line)s” does not look like an attendee (“Name (Organization)” or "
                "“Name – Organization”); it was kept in the notes."
            )
            % {"line": _short(unit.text)}
        )

    def agreement(self, unit: _Unit) -> None:
        agreement = ParsedAgreement(text="")
        self.agreement_fields(agreement, unit.text)
        self.result.agreements.append(agreement)
        if self.next_from_agreement is None and _NEXT_PHRASE.search(unit.text):
            self.next_from_agreement = unit.text

    def agreement_fields(self, agreement: ParsedAgreement, text: str) -> None:
        """Take "Responsable:" and "Plazo:" out of ``text`` into ``agreement``; the rest of
        ``text`` is added to the agreement's text."""
        labels = list(itertools.islice(_AGREEMENT_FIELD.finditer(text), 10))
        if not labels:
            agreement.text = _join(agreement.text, text)
            return
        prefix = text[: labels[0].start()].rstrip(" ([–—-,;")
        if text.rstrip().endswith(".") and prefix and not prefix.endswith((".", "!", "?")):
            prefix += "."
        kept = [prefix] if prefix else []
        for position, label in enumerate(labels):
            end = labels[position + 1].start() if position + 1 < len(labels) else len(text)
            raw = text[label.start() : end].strip()
            value = text[label.end() : end].strip().lstrip("(").rstrip(" .;,)]–—-")
            name = fold(label["label"])
            if not value:
                continue
            if name.startswith(("responsable", "encargad", "a cargo")):
                if agreement.responsible:
                    kept.append(raw)
                else:
                    agreement.responsible = value
                continue
            pending = _pending(value)
            if pending is None or agreement.due is not None:
                kept.append(raw)
                self.warnings.append(
                    _("The deadline “%(text)s” is not a date; it was kept in the agreement.")
                    % {"text": _short(value)}
                )
                continue
            self.deadlines.append((agreement, pending, value))
            agreement.due = dt.date.min  # resolved in finish()
        agreement.text = _join(agreement.text, " ".join(kept))

    # -- the end

    def finish(self) -> None:
        meeting_date = self.choose_date()
        chosen: dict[str, object] = {"date": meeting_date}
        for name in ("place", "title"):
            candidates = self.candidates[name]
            value = (
                min(candidates, key=lambda c: (c.priority, c.order)).value if candidates else None
            )
            chosen[name] = value
        self.result.place = chosen["place"] if isinstance(chosen["place"], str) else None
        self.result.title = chosen["title"] if isinstance(chosen["title"], str) else None
        for claim in self.claims:
            lost = False
            for name, value in claim.fields.items():
                if name == "date":
                    lost = lost or self.resolve_meeting(value) != meeting_date
                elif name == "title_colon":
                    if value == self.result.title:
                        self.warnings.append(
                            _(
                                "The title is written over two lines; a colon was assumed "
                                "where the line breaks: “%(title)s”."
                            )
                            % {"title": _short(str(value), 120)}
                        )
                else:
                    lost = lost or value != chosen[name]
            if claim.leftover or lost:
                self.note(claim.unit)
        self.result.date = meeting_date
        if meeting_date is None:
            self.warnings.insert(0, _("No date found."))
        for agreement, pending, value in self.deadlines:
            agreement.due = self.resolve_after(pending, meeting_date, what=value)
        self.next_meeting(meeting_date)

    def resolve_meeting(self, value: object) -> dt.date | None:
        if not isinstance(value, dates.DateMatch):
            return None
        return value.resolve(self.year or self.today.year)

    def choose_date(self) -> dt.date | None:
        candidates = sorted(self.candidates["date"], key=lambda c: (c.priority, c.order))
        for candidate in candidates:
            match = candidate.value
            assert isinstance(match, dates.DateMatch)  # noqa: S101 -- candidates are dates
            resolved = self.resolve_meeting(match)
            if resolved is None:
                self.warnings.append(
                    _("“%(date)s” is not a valid date.")
                    % {"date": _short(self.date_text(candidate))}
                )
                continue
            others = {self.resolve_meeting(c.value) for c in candidates} - {resolved, None}
            if others:
                self.warnings.append(
                    _(
                        "The minutes give more than one date for the meeting; %(date)s was "
                        "used and the others were kept in the notes."
                    )
                    % {"date": resolved.isoformat()}
                )
            if match.year is None and self.year is None:
                self.warnings.append(
                    _("The year of the meeting is not written; %(year)s was assumed.")
                    % {"year": resolved.year}
                )
            return resolved
        return None

    def date_text(self, candidate: _Candidate) -> str:
        for claim in self.claims:
            if claim.unit.index == candidate.order:
                match = candidate.value
                assert isinstance(match, dates.DateMatch)  # noqa: S101
                text = claim.unit.text
                for found in dates.find_dates(text):
                    if (found.day, found.month) == (match.day, match.month):
                        return text[found.start : found.end]
        return ""

    def resolve_after(
        self, pending: _PendingDate, meeting_date: dt.date | None, *, what: str
    ) -> dt.date | None:
        """A deadline or next meeting: a written date (the meeting's year when none is
        written, or the next year if that falls before the meeting) or a span of time
        after the meeting's date."""
        if pending.match is not None:
            match = pending.match
            if match.year is not None:
                resolved = match.resolve(match.year)
            else:
                base = (
                    self.year
                    if match.present and self.year
                    else (meeting_date.year if meeting_date else self.year or self.today.year)
                )
                resolved = match.resolve(base)
                if resolved and meeting_date and resolved < meeting_date and not match.present:
                    resolved = match.resolve(base + 1)
            if resolved is None:
                self.warnings.append(_("“%(date)s” is not a valid date.") % {"date": _short(what)})
            return resolved
        if pending.relative is not None and meeting_date is not None:
            return pending.relative.after(meeting_date)
        return None

    def next_meeting(self, meeting_date: dt.date | None) -> None:
        text = _clean(" ".join(self.next_parts)) or self.next_from_agreement
        if not text:
            return
        pending = _pending(text)
        when = None
        if pending is None:
            self.warnings.append(
                _("The date of the next meeting could not be read: “%(text)s”.")
                % {"text": _short(text)}
            )
        else:
            when = self.resolve_after(pending, meeting_date, what=text)
            if pending.relative is not None and meeting_date is None:
                self.warnings.append(
                    _(
                        "The next meeting is set “%(phrase)s” after this one, whose date was "
                        "not found: its date was left empty."
                    )
                    % {
                        "phrase": text[pending.relative.start : pending.relative.end],
                    }
                )
        found_time = dates.find_time(text)
        self.result.next_meeting = ParsedNextMeeting(
            text=text, date=when, time=found_time.time if found_time else None
        )


def _join(first: str, second: str) -> str:
    return _clean(f"{first} {second}")


def _pending(text: str) -> _PendingDate | None:
    found = dates.find_dates(text)
    if found:
        return _PendingDate(match=found[0], relative=None)
    relative = dates.find_relative(text)
    if relative is not None:
        return _PendingDate(match=None, relative=relative)
    return None


_OPENING_QUOTES = {"“": "”", "«": "»", '"': '"'}
_NAMING = _set("denominado denominada titulado titulada llamado llamada nombre tema")


def _quoted_title(parts: list[str]) -> tuple[str, bool] | None:
    """The first quoted name in a paragraph's lines that reads as a title (three words or
    more, or after "denominado", "titulado"…), with its line breaks joined; and whether a
    colon was assumed at a break (see the module's docstring)."""
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
        before = _WORD.findall(fold(text[max(0, start - 40) : start]))
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
        before_words = _WORD.findall(fold(title))
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
    return _clean(title), colon
