"""Attendance as minutes state it outside an "Asistentes" list: read over the whole text,
whatever its units, because PDF wraps these sentences and lists anywhere.

- **Lists after a label**: "Asisten:", "Asistentes:", "Presentes:", "Asistencia: A, B y C",
  and, when the names carry a courtesy title ("D.", "Dª", "Don", "Sra."), lines under role
  labels ("CONCEJALES:", "SECRETARIO:"); one name a line (in capitals too), surname first
  ("PÉREZ, Juan"), with a job title before it ("Regidor", "Decano de …"), a roll call
  ("Regidora NOMBRE presente", "NOMBRE (Presente)"), party or institution lines in
  capitals between them (the organization of the names that follow), tab-separated cells,
  and a name broken over lines. "AUSENTES:", "Excusa:", "No asisten:" and the like open a
  list of absentees, who are never taken.
- **Opening sentences**: a sentence with a formula of attendance ("asisten a la presente
  reunión los consejeros; Sra. A; Sra. B y Sr. C", "se reunieron el Presidente Sr. A, los
  Consejeros B y C", "bajo la presidencia del Sr. A", "con la asistencia de los señores
  regidores: …", "actúa como Secretario D. A") gives the names after the formula, each
  without its courtesy or job title; what follows "excusa", "no asiste", "faltan" or
  "justificaron su inasistencia" is not taken. "PRESENTES:" opens such a list too, which
  goes on after a full stop while each sentence starts with a courtesy title; a roll call in
  a sentence ("A (Presente), B (No se encuentra presente), C y D de licencia") gives only
  the marked present; "Asistencia de los CC. Pérez, Gómez y Ruiz" gives surnames alone; a
  title glued to the name ("LIC.JUAN") is split off.
- **A count**: "con la asistencia de 23 socios", "asisten 16 vecinos", "11 consejeros
  presentes", "doce (12) mujeres y cuarenta (40) varones" (52).
- **Presenters stated in sentences** (:func:`read_presenters`): "X expuso…", "la Sra. X
  presenta el informe…", "informa el Tesorero Sr. X", "exposición a cargo del Ing. X", "el
  expositor Dr. X"; a role alone ("El presidente hace una breve presentación") only when
  the text names one person in it ("Presidencia: X", "bajo la presidencia del Sr. X").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minka.core.text import fold
from minka.meetings.minutes.importers.parsed import ParsedAttendee
from minka.meetings.minutes.importers.spanish.people import title_case
from minka.meetings.minutes.importers.spanish.text import clean, is_upper, word_set

# Courtesy and academic titles, folded and without dots ("Dª" folds to "da", "M.Sc." to
# "msc").
HONORIFICS = word_set(
    "d da don dona sr sra srta sres sras srs senor senora senorita senores senoras dr dra "
    "dres ing lic mg mgt mag msc phd br est abog prof profa arq econ cpc cpcc c tec bach "
    "ldo lda mtro mtra abg rp dna myr ab cc"
)
# Job titles and the words of their names: skipped before a name, never a name themselves.
TITLES = word_set(
    "alcalde alcaldesa alcaldesasa presidente presidenta vicepresidente vicepresidenta "
    "regional regionales consejero consejera consejeros consejeras regidor regidora "
    "regidores regidoras concejal concejala concejales concejalas secretario secretaria "
    "secretarios general accidental rector rectora vicerrector vicerrectora decano decana "
    "decanos director directora interventor interventora municipal tesorero tesorera vocal "
    "vocales coordinador coordinadora miembro miembros titular titulares delegado delegada "
    "asesor asesora juridico jefe jefa gerente representante representantes sindico sindica "
    "teniente moderador moderadora consiliario consiliarios consiliaria suplente suplentes "
    "ministro ministra academico academica contador contadora fiscal socio socia socios "
    "vicesecretario vicesecretaria administrador administradora comisionado comisionada "
    "honorable senador senadora diputado diputada docente docentes alumno alumna "
    "estudiante funcionario funcionaria funcionarios autoridades invitado invitada invitados "
    "subgerente subdirector subdirectora jefes vecino vecina primer primera segundo segunda "
    "tercer tercera teniente-alcalde embajador embajadora procurador procuradora "
    "vicealcalde vicealcaldesa"
)
# Ordinals among the job titles ("Primer Teniente de Alcalde") are also given names ("Dr.
# Segundo Pérez"): skipped only before another title.
_ORDINALS = word_set("primer primera segundo segunda tercer tercera")
# Words of organizations and places: a run with one is not a name.
_NOT_NAME = word_set(
    "asociacion organizacion red instituto ministerio colegio centro consejo sociedad "
    "universidad fundacion comision camara grupo mesa colectivo foro secretaria direccion "
    "programa oficina agencia coordinadora federacion confederacion gremio empresa "
    "municipalidad gobierno congreso facultad escuela departamento area unidad comite "
    "cooperativa defensoria ayuntamiento concejo corporacion partido junta sala salon casa "
    "palacio ciudad villa local auditorio aula acta sesion reunion asamblea pleno orden dia "
    "club provincia region distrito comuna canton parroquia enero febrero marzo abril mayo "
    "junio agosto septiembre setiembre octubre noviembre diciembre tercio claustro "
    "sindicato frente coalicion alianza movimiento union planilla asistencia ciencias "
    "ingenieria humanidades letras sociales comunicacion educacion derecho medicina salud "
    "economia administracion turismo civil informatica gerencia cs asisten asiste "
    "asistieron faltan preside asistentes presentes participantes ausentes"
)
_PARTICLES = word_set("de del la las los da van von di")
_PLACE_FIRST = word_set("san santa santo")
# Words that start a sentence and are never part of a name.
_SENTENCE_START = word_set("se siendo acto no seguidamente luego")
_ROLL_CALL = re.compile(r"\s*(?:[-–—:]\s*)?\(?\s*presente\s*\)?\s*[.;,]?\s*$", re.IGNORECASE)
_PRESENT_LABEL = re.compile(
    r"^(?:\d{1,2}[.)-]?\s*)?(?:(?:lista|relaci[oó]n|registro|miembros|se[ñn]ores|sres\.?|"
    r"personas|consejeros|socios)\s+(?:de\s+)?)?(?:asistentes|asisten|asistieron|asistencia"
    r"|presentes|participantes|concurrentes|participaron)(?:\s+a\s+la\s+(?:reuni[oó]n|sesi[oó]n))?"
    r"\s*(?::\s*|$)",
    re.IGNORECASE,
)
_ABSENT_LABEL = re.compile(
    r"^(?:\d{1,2}[.)-]?\s*)?(?:(?:miembros|se[ñn]ores|sres\.?|consejeros)\s+)?(?:no\s+asist"
    r"|ausente|inasist|excus|justific|faltan|falta\b|no\s+concurr|no\s+presentes)",
    re.IGNORECASE,
)
_ROLE_LABEL = re.compile(r"^[^\d:]{2,60}:\s*$")
_TABLE_HEADER = re.compile(
    r"^(?:nombres?(?:\s+y\s+apellidos?|\s+completos?)?|apellidos?\s+y\s+nombres?)\s*:?$",
    re.IGNORECASE,
)
_ROLL_LINE = re.compile(
    r"\s(?:[-–—:]\s*)?\(?\s*(?P<state>presente|ausente)\s*\)?\s*[.;,]?\s*$", re.I
)
_SPLIT = re.compile(r"\s*(?:[;:]|,(?!\s*(?:y|e)\s)|\s\by\b|\se\b)\s*")
# Formulae of attendance in a sentence, folded.
_CUE = re.compile(
    r"\basist(?:e|en|ieron|io|encia\s+de|ido|idos|ida|idas)\b(?:\s+(?:a\s+la\s+presente"
    r"\s+(?:reunion|sesion)|por))?"
    r"|\b(?:se\s+encuentran|estuvieron|estan|encontrandose|contestaron|hallandose)"
    r"\s+presentes?\b|\bse\s+reun(?:en|e|ieron|io)\b|\breunidos\b"
    r"|\bbajo\s+la\s+presidencia\s+(?:del?|de\s+la)\b|\bpresidid[oa]s?\s+por\b|\bpreside\b"
    r"|\b(?:con\s+)?la\s+presencia\s+(?:del?|de\s+la|de\s+los|de\s+las)\b"
    r"|\b(?:actua|actuando|oficia|oficiando)\s+(?:como|de|en)\b|\bconcurr(?:en|ieron)\b"
    r"|\b(?:concurrencia|participacion)\s+(?:del?|de\s+la|de\s+los|de\s+las)\b"
    r"|\b(?:responden|respondieron|contestan)\b(?:\s+(?:a\s+la\s+lista|presentes?))?"
    r"|\bparticipa(?:n|ron)\b|\bpresentes\s*:"
)
_NEGATIVE = re.compile(
    r"\b(?:no\s+asist|no\s+concurr|no\s+particip|inasist|ausen|excus|justific|faltan?|"
    r"fallecid|se\s+retir)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(¿¡]?[A-ZÁÉÍÓÚÑ])")
_ABBREVIATIONS = HONORIFICS | word_set("ma mª av hs nº no cs sta sto art inc ej etc")
_PEOPLE = (
    r"(?:soci[oae]s|vecin(?:[oa]s|@s|xs|es)|personas|asistentes|miembros|consejer[oa]s"
    r"|mujeres|varones|hombres|madres|padres|comuner[oa]s|delegad[oa]s|participantes"
    r"|representantes|integrantes|asociad[oa]s|concejales|regidor(?:es|as)|afiliad[oa]s"
    r"|compa[ñn]er[oa]s|estudiantes|alumn[oa]s|docentes|vocales|ciudadan[oa]s|pobladores)"
)
_COUNT = re.compile(
    r"(?<![\w,.])(?:[a-z]+(?:\s+y\s+[a-z]+)?\s+)?(?:\((?P<n>\d{1,3})\)|(?P<n2>\d{1,3}))\s+"
    r"(?:[\w/]+\s+){0,3}?" + _PEOPLE + r"\b(?!\s*:)",
)
# "presentes", not "presentación": a list item "3) Mujeres…" after a presentation is no count.
_COUNT_CUE = re.compile(r"\b(?:asist|presentes?\b|particip|qu?orum|reun|concurr|total\s+de)")
# A count given as a field: "Número de asistentes: 22", "Total de participantes: 31",
# "Quórum: 12 de 15 miembros", "Asistentes: 15 personas".
_COUNT_FIELD = re.compile(
    r"^(?:(?:n(?:u|ú)mero|total|cantidad|n[°º.]|nro\.?)\s+(?:de\s+)?)?(?:asistentes|"
    r"participantes|presentes|asistencia|socios\s+presentes|miembros\s+presentes|"
    r"qu?(?:o|ó)rum)\s*:\s*(?P<n>\d{1,4})\b(?:\s+(?:de\s+\d{1,4}\s+)?(?P<who>[a-záéíóúñ]+))?",
    re.IGNORECASE,
)
_OPENING_CHARS = 8000  # attendance is stated at the opening of minutes


@dataclass
class Attendance:
    attendees: list[ParsedAttendee] = field(default_factory=list)
    absent: set[str] = field(default_factory=set)  # folded names never to take
    not_names: set[str] = field(default_factory=set)  # folded lines read as tags, not names
    count: int | None = None

    def add(self, attendee: ParsedAttendee) -> None:
        add_attendee(self.attendees, attendee, absent=self.absent)


def _key(name: str) -> list[str]:
    return [w for w in re.findall(r"\w+", fold(name)) if w not in _PARTICLES]


def same_person(a: str, b: str) -> bool:
    """Two spellings of one attendee: the shorter is the longer's first name followed by
    some of its other words, in order ("Walter Pereyra" and "Walter Pereyra Silva")."""
    ka, kb = _key(a), _key(b)
    short, long = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    if len(short) < 2 or short[0] != long[0]:
        return False
    rest = iter(long[1:])
    return all(word in rest for word in short[1:])


def add_attendee(
    attendees: list[ParsedAttendee], attendee: ParsedAttendee, *, absent: set[str]
) -> None:
    """Add ``attendee`` unless absent or already there (the longer spelling is kept)."""
    if any(same_person(attendee.name, name) for name in absent):
        return
    for position, other in enumerate(attendees):
        if same_person(attendee.name, other.name):
            if len(_key(attendee.name)) > len(_key(other.name)):
                attendees[position] = ParsedAttendee(
                    attendee.name, attendee.organization or other.organization
                )
            return
    attendees.append(attendee)


def _bare(token: str) -> str:
    return fold(token).strip(".,;:()\"'“”").replace(".", "").replace("ª", "a")


def _is_honorific(token: str) -> bool:
    return (token.rstrip(",;:").endswith((".", "ª")) and _bare(token) in HONORIFICS) or (
        _bare(token) in HONORIFICS and len(_bare(token)) > 2
    )


def _is_title(token: str) -> bool:
    parts = [p for p in re.split(r"[-–/]", _bare(token)) if p]
    return bool(parts) and all(p in TITLES or p == "a" or p == "e" for p in parts)


def _capital(token: str) -> bool:
    return token[:1].isupper()


def read_name(segment: str, *, need_honorific: bool = False) -> ParsedAttendee | None:
    """The person a list item or a stretch of a sentence names: courtesy and job titles
    dropped, "(...)" or "por/de la ORGANIZACIÓN" after the name as its organization. Without
    a courtesy title, the name must end the item."""
    tokens = segment.split()[:40]
    start = None
    bracket = next((i for i, token in enumerate(tokens) if token.startswith("(")), len(tokens))
    for index, token in enumerate(tokens[:bracket]):  # "(Ing. Civil)" is no courtesy title
        previous = tokens[index - 1] if index else ""
        if _is_honorific(token) and (
            len(_bare(token)) > 1
            or not previous
            or not _capital(previous)
            or _is_title(previous)
            or _is_honorific(previous)
            or _bare(previous) in _NOT_NAME
        ):
            start = index + 1
    honorific = start is not None
    if need_honorific and not honorific:
        return None
    if start is None:
        start = 0
        while start < len(tokens) and not _capital(tokens[start]):
            start += 1
        caps = start
        while caps < len(tokens) and len(tokens[caps]) > 1 and is_upper(tokens[caps]):
            caps += 1
        if start < caps < len(tokens) and _capital(tokens[caps]):
            start = caps  # "CONSEJO CONSULTIVO Raúl Delgado": the institution first
    given = -1
    while (
        not honorific
        and start < len(tokens)
        and start > 0
        and re.fullmatch(r"[A-ZÁÉÍÓÚÑ]\.", tokens[start - 1])
        and not _is_honorific(tokens[start - 1])
    ):
        start -= 1  # "M. A. Rivas Luna": initials of the given names
    while start < len(tokens) and (_is_title(tokens[start]) or _is_honorific(tokens[start])):
        if (
            honorific
            and _bare(tokens[start]) in _ORDINALS
            and not (start + 1 < len(tokens) and _is_title(tokens[start + 1]))
        ):
            given = start
            break  # "Dr. Segundo Pérez": a given name
        start += 1
    name: list[str] = []
    index = start
    while index < len(tokens) and len(name) < 8:
        token = tokens[index]
        core = token.strip(".,;:")
        folded = _bare(token)
        if token.startswith("(") or not core:
            break
        if folded in _PARTICLES and name:
            name.append(core)
            index += 1
            continue
        if folded in _SENTENCE_START:
            break  # "… Lozano Calvo Se levanta la sesión": the next sentence
        if len(core) == 1 and core.isupper() and token == core + ".":
            name.append(token)  # an initial: "Pedro A. Villacorta"
            index += 1
            continue
        if (
            not _capital(core)
            or folded in _NOT_NAME
            or (_is_title(token) and index != given)
            or core.isdigit()
        ):
            break
        name.append(core)
        index += 1
        if token.endswith((",", ";", ":")):
            break
    while name and _bare(name[-1]) in _PARTICLES:
        name.pop()
        index -= 1
    real = [w for w in name if _bare(w) not in _PARTICLES]
    if len(real) < 2 or any(ch.isdigit() for w in name for ch in w):
        return None
    if _bare(name[0]) in _PLACE_FIRST:
        return None  # "síndico San Marcos": a place after a job
    rest = " ".join(tokens[index:])
    organization = None
    if rest.startswith("(") and ")" in rest:
        inside = clean(rest[1 : rest.index(")")])
        if inside and not all(_is_title(w) for w in inside.split()):
            organization = inside
        rest = rest[rest.index(")") + 1 :].strip(" .,;")
    match = re.match(
        r"^(?:por|de|del)\s+(?:la\s+|el\s+|los\s+|las\s+)?(?P<org>[A-ZÁÉÍÓÚÑ].*)$", rest
    )
    if match and not organization:
        organization = clean(match["org"]).rstrip(".")
        rest = ""
    if (
        not honorific
        and rest
        and not _ROLL_CALL.fullmatch(" " + rest)
        and not re.fullmatch(r"[-–—]?\s*(?:quien|que)\b.*", rest)
    ):
        return None
    text = " ".join(name)
    if is_upper(text):
        text = title_case(text)
    return ParsedAttendee(name=text, organization=organization)


def listed(part: str, parsed: ParsedAttendee | None) -> ParsedAttendee | None:
    """An item of an attendees list that :func:`.people.parse_attendee` read as ``parsed``:
    when that name holds a courtesy title ("ACCIÓN VECINAL Dr. Juan Pérez", "R.P. Juan
    Pérez"), the person after it, the words in capitals before it as the organization (a
    job title alone stays: its word would be lost)."""
    tokens = part.split()
    if parsed is None or not any(
        _is_honorific(token) and len(_bare(token)) > 1 for token in parsed.name.split()
    ):
        return parsed
    person = read_name(part)
    if person is None:
        return parsed
    first = next(
        (i for i, token in enumerate(tokens) if _is_honorific(token) or _is_title(token)), 0
    )
    prefix = " ".join(tokens[:first])
    if prefix and is_upper(prefix) and not person.organization:
        person.organization = prefix
    return person


# The words of the header of an attendance table.
_HEADER_WORDS = word_set(
    "nombre nombres apellido apellidos completos cargo cargos institucion instituciones "
    "organizacion organizaciones entidad dependencia firma dni telefono correo email n no "
    "nro item procedencia"
)


def not_a_name(text: str) -> bool:
    """A line of an attendees list that names no one: a role label ("SECRETARIO
    ACCIDENTAL:"), a party or institution ("PARTIDO …") or the opening sentence ("En la
    Villa de …")."""
    tokens = text.split()
    if not tokens:
        return True
    if all(_is_title(t) or _bare(t) in _PARTICLES or not _bare(t) for t in tokens):
        return True
    if all(_bare(t) in _HEADER_WORDS or _bare(t) in _PARTICLES for t in tokens):
        return True  # "Nombre  Cargo  Institución": a table's header
    return _bare(tokens[0]) in _NOT_NAME | {"en", "el", "los", "con", "por"}


def _split_items(text: str) -> list[str]:
    """The items of a list written in a line, not split inside brackets ("Dra. A (Farmacia y
    Bioquímica), Dr. B")."""
    items: list[str] = []
    start = 0
    depth = 0
    counted = 0
    for match in _SPLIT.finditer(text):
        depth += text.count("(", counted, match.start()) - text.count(")", counted, match.start())
        counted = match.start()
        if depth > 0:
            continue
        items.append(text[start : match.start()])
        start = match.end()
    items.append(text[start:])
    return [item for item in items if item and item.strip(" .,;")]


def _surname_first(line: str) -> str | None:
    """ "PÉREZ GÓMEZ, Juan" or "Pérez, Juan Carlos" → "Juan Pérez Gómez"."""
    match = re.fullmatch(
        r"([^\W\d][\w'-]*(?:\s+[^\W\d][\w'-]*){0,2})\s*,\s*([^\W\d][\w.ª'-]*(?:\s+[^\W\d][\w.ª'-]*){0,2})\.?",
        line,
    )
    if match is None:
        return None
    surname, given = match[1], match[2]
    if _is_title(given.split()[0]) or any(
        _bare(w) in _NOT_NAME for w in (surname + " " + given).split()
    ):
        return None
    if not all(_capital(w) or _bare(w) in _PARTICLES for w in (surname + " " + given).split()):
        return None
    return f"{given} {surname}"


_ARTICLES = word_set("el la los las al a")


def _prose_before_name(item: str) -> bool:
    """Words in lower case before an item's courtesy title that are neither articles,
    particles nor job titles: a verb, a sentence that mentions someone."""
    tokens = item.split("(", 1)[0].split()  # "(Ing. Civil)" is no courtesy title
    last = max((i for i, t in enumerate(tokens) if _is_honorific(t)), default=-1)
    return any(
        t[:1].islower()
        and _bare(t) not in _ARTICLES
        and _bare(t) not in _PARTICLES
        and not _is_title(t)
        and not _is_honorific(t)
        for t in tokens[:last]
    )


def _line_names(line: str, *, need_honorific: bool) -> list[ParsedAttendee] | None:
    """The attendees one line of a list gives, or ``None`` when it is not such a line."""
    line = _ROLL_CALL.sub("", line).strip(" .-–—•*·|")
    if not line or len(line) > 300:
        return None
    cells = [c for c in re.split(r"\t+|\s{3,}|\s\|\s", line) if c.strip()]
    if len(cells) > 1:
        found = [a for c in cells for a in (_line_names(c, need_honorific=need_honorific) or [])]
        if found:
            organization = next(
                (c.strip() for c in cells if _line_names(c, need_honorific=False) is None), None
            )
            return [ParsedAttendee(a.name, a.organization or organization) for a in found]
        return None
    reordered = _surname_first(line)
    if reordered is not None and not need_honorific:
        attendee = read_name(reordered)
        return [attendee] if attendee else None
    items = _split_items(line)
    found = []
    for position, item in enumerate(items):
        if _prose_before_name(item):
            return None  # "El presidente recordó que el Sr. X donó…": a sentence
        attendee = read_name(item, need_honorific=need_honorific)
        if attendee is None:
            if position and all(
                _is_title(w) or _bare(w) in _PARTICLES or not _capital(w) or _bare(w) in _NOT_NAME
                for w in item.split()
            ):
                continue  # "Juan Pérez, Alcalde": the job after the name
            if position and found and not found[-1].organization:
                found[-1].organization = clean(item).rstrip(".")
                continue
            return None
        found.append(attendee)
    return found or None


# A bracket left open longer than this, or over more lines, is a typo, not a wrapped name.
_OPEN_BRACKET = 200


def _open_item(line: str) -> bool:
    """A list line whose last item is a courtesy title and a given name ("…, Lic. César"):
    the name goes on in the next line."""
    if "," not in line:
        return False
    last = line.rsplit(",", 1)[1].split()
    return len(last) == 2 and _is_honorific(last[0]) and _capital(last[1]) and last[1].isalpha()


def _join_broken(lines: list[str]) -> list[str]:
    """A name broken over lines by a PDF: "D." or "D. JUAN" then one word a line, an open
    bracket, or a line that starts with "(" or in lower case."""
    joined: list[str] = []
    open_name = False
    bracket_lines = 0  # lines joined to the current one
    for line in lines:
        words = line.split()
        if joined and (
            (
                open_name
                and len(words) <= 2
                and not _is_honorific(words[0])
                and not line.endswith(":")
            )
            or (
                joined[-1].count("(") > joined[-1].count(")")
                and len(joined[-1]) < _OPEN_BRACKET
                and bracket_lines < 2
            )
            or line.startswith("(")
            or (line[:1].islower() and "," in joined[-1])
            or (_open_item(joined[-1]) and _capital(line) and not line.endswith(":"))
        ):
            bracket_lines += 1
            joined[-1] += " " + line
            open_name = not line.endswith(".")
            continue
        bracket_lines = 0
        joined.append(line)
        open_name = (bool(words) and _is_honorific(words[-1])) or (
            len(words) == 1 and _is_honorific(words[0])
        )
    return joined


def _blocks(lines: list[str], attendance: Attendance) -> None:
    mode: str | None = None  # "present", "roles" (names need a courtesy title), "absent"
    organization: str | None = None
    tag_first: bool | None = None  # does a block's tag line come before its names?
    previous: list[ParsedAttendee] = []
    header = False  # right after "NOMBRES Y APELLIDOS": the next column's heading
    for line in _join_broken(lines):
        folded = fold(line)
        roll = _ROLL_LINE.search(line)
        if roll is not None and len(line.split()) <= 12:
            # "Regidora NOMBRE presente", "NOMBRE (Ausente)": a roll call, in a list or not.
            found = _line_names(line[: roll.start()], need_honorific=False) or []
            for attendee in found:
                if fold(roll["state"]) == "ausente":
                    attendance.absent.add(attendee.name)
                else:
                    attendance.add(attendee)
            if found:
                continue
        if _ABSENT_LABEL.match(line):
            mode = "absent"
            rest = line.split(":", 1)[1] if ":" in line else ""
            for item in _split_items(rest):
                absentee = read_name(item)
                if absentee:
                    attendance.absent.add(absentee.name)
            continue
        if mode is not None and all(
            _bare(w) in _HEADER_WORDS or _bare(w) in _PARTICLES for w in line.split()
        ):
            header = True  # "Nombre  Cargo  Institución": the header of the list's table
            attendance.not_names.add(fold(clean(line)))
            continue
        label = _PRESENT_LABEL.match(line) or _TABLE_HEADER.match(line)
        if label:
            mode, organization, tag_first = "present", None, None
            header = _TABLE_HEADER.match(line) is not None
            for attendee in _line_names(line[label.end() :], need_honorific=False) or []:
                attendance.add(attendee)
            continue
        if _ROLE_LABEL.match(line) and len(line.split()) <= 5:
            words = line.rstrip(": ").split()
            if all(_is_title(w) or _bare(w) in _PARTICLES for w in words):
                if mode != "present":
                    mode = "roles"
                organization = None
                continue
        if mode is None:
            continue
        if line.endswith(":"):
            mode = None  # "TEMAS TRATADOS:", "Presentación del Sr. X quien planteó:": another part
            continue
        listed = _line_names(line, need_honorific=mode == "roles")
        if listed:
            found = listed
            if tag_first is None:
                tag_first = False
            for attendee in found:
                if mode == "absent":
                    attendance.absent.add(attendee.name)
                else:
                    if tag_first:
                        attendee.organization = attendee.organization or organization
                    attendance.add(attendee)
            previous = found
            continue
        words = line.split()
        if mode in ("present", "roles") and len(words) <= 10 and not line.endswith("."):
            attendance.not_names.add(folded)
            if header and tag_first is None and is_upper(line):
                header = False
                continue
            if tag_first is None:
                tag_first = True
            if tag_first:
                organization = clean(line)
            elif previous and not previous[-1].organization:
                previous[-1].organization = clean(line)
            continue
        if mode == "absent" and len(words) <= 6:
            continue
        mode = None


def _is_list_label(line: str) -> bool:
    """A line that opens a list of attendees, absentees or a role ("MIEMBROS NO
    ASISTENTES:", "SECRETARIO GENERAL:"): no sentence runs across it."""
    line = clean(line)
    if not line.endswith(":") or len(line) > 60:
        return False
    if _PRESENT_LABEL.match(line) or _ABSENT_LABEL.match(line):
        return True
    return all(_is_title(w) or _bare(w) in _PARTICLES for w in line.rstrip(": ").split())


# A line that starts with a label ("Secretaria: Sra. X", "Asistentes: A y B"): the line
# before it ends a sentence even without a full stop.
_LABELLED = re.compile(r"^\s*[A-ZÁÉÍÓÚÑ][\w-]{2,25}(?:\s+[\w-]{1,25}){0,3}\s*:(?!\d)")


def _labelled(line: str) -> bool:
    """A line that starts with a label of attendance or of a role ("Secretaria: …",
    "Preside: …", "Asistentes: …", "Concejales: …")."""
    match = _LABELLED.match(line)
    if match is None:
        return False
    label = match[0].rstrip(": ")
    return (
        _PRESENT_LABEL.match(line) is not None
        or _ABSENT_LABEL.match(line) is not None
        or all(_is_title(w) or _bare(w) in _PARTICLES for w in label.split())
        or _bare(label) in _ROLE_VERBS
    )


_ROLE_VERBS = word_set("preside presidencia invitados invitadas participantes")


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    chunk: list[str] = []
    for line in text[:_OPENING_CHARS].splitlines():
        if chunk and _labelled(line):
            sentences += _chunk_sentences(" ".join(chunk))
            chunk = []
        chunk.append(line)
        if _is_list_label(line):
            sentences += _chunk_sentences(" ".join(chunk))
            chunk = []
    sentences += _chunk_sentences(" ".join(chunk))
    return [sentence for sentence in sentences if sentence]


def _chunk_sentences(text: str) -> list[str]:
    flat = clean(text)
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(flat):
        before = flat[start : match.start()].split()
        last = before[-1] if before else ""
        bare = _bare(last)
        if len(bare) <= 2 or bare in _ABBREVIATIONS:
            continue
        sentences.append(flat[start : match.start()])
        start = match.end()
    sentences.append(flat[start:])
    return sentences


# "LIC.MARIO": a courtesy title glued to the name after it.
_GLUED = re.compile(r"\b(?P<title>[A-Za-z]{2,4})\.(?=[A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑáéíóúñ]{2})")
# A roll call's mark after a name: "(Presente)", "(Ausente)", "(No se encuentra presente)".
_MARK = re.compile(r"\((?P<mark>[^()]{4,40})\)[\s.,;]*$")
_MARK_PRESENT = re.compile(r"\s*presente\s*")
_MARK_ABSENT = re.compile(r"\b(?:no|ausente|licencia|justific|excus|permiso)")


def _unglue(text: str) -> str:
    return _GLUED.sub(lambda m: m[0] + " " if _bare(m["title"]) in HONORIFICS else m[0], text)


def _roll_marks(sentence: str, attendance: Attendance) -> bool:
    """A roll call in a sentence, two names or more each marked "(Presente)" or "(Ausente)":
    the marked present are taken, the others never (those on leave, excused)."""
    items = _split_items(sentence)
    marks = [(item, _MARK.search(item)) for item in items]
    present = [(item, m) for item, m in marks if m and _MARK_PRESENT.fullmatch(fold(m["mark"]))]
    if len(present) < 2:
        return False
    for item, mark in marks:
        if mark is None:
            continue
        person = read_name(item[: mark.start()])
        if person is None:
            continue
        if _MARK_PRESENT.fullmatch(fold(mark["mark"])):
            attendance.add(person)
        elif _MARK_ABSENT.search(fold(mark["mark"])):
            attendance.absent.add(person.name)
    return True


# A name that is a surname alone in a list after a formula of attendance ("Asistencia de los
# CC. Pérez, Gómez y Ruiz"): one capitalized word, after a courtesy title or none.
_SURNAME = re.compile(r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]{2,20}")


def _surnames(items: list[str]) -> list[str] | None:
    """The names of a list of surnames alone (three items or more, each one or two
    capitalized words, most of them one), or ``None``."""
    names: list[str] = []
    single = 0
    for item in items:
        words = [w for w in item.split() if not _is_honorific(w) and _bare(w) not in ("los", "las")]
        words = [w.strip(".,;") for w in words]
        if not 1 <= len(words) <= 2 or not all(_SURNAME.fullmatch(w) for w in words):
            return None
        if any(_bare(w) in _NOT_NAME or _is_title(w) for w in words):
            return None
        single += len(words) == 1
        names.append(" ".join(words))
    if len(names) < 3 or single * 2 <= len(names):
        return None
    return names


_ROLE_LINE = re.compile(r"^(?P<role>[^\W\d][\w-]*(?:\s+[^\W\d][\w-]*){0,3})\s*:\s*(?P<rest>.+)$")


def _sentence_names(sentence: str, attendance: Attendance, *, carry: bool = False) -> bool:
    """Read the attendees one sentence names; whether it was a sentence of attendance (the
    next one may go on with its list: ``carry``)."""
    folded = fold(sentence)
    if len(folded) != len(sentence):
        return False  # folding changed the length ("ß"); positions would not match
    if _roll_marks(sentence, attendance):
        return True
    cue = _CUE.search(folded)
    role = _ROLE_LINE.match(sentence)
    if (
        cue is None
        and role is not None
        and all(_is_title(w) or _bare(w) in _PARTICLES for w in role["role"].split())
    ):
        people = [read_name(item, need_honorific=True) for item in _split_items(role["rest"])]
        if people and people[0] is not None:
            for person in people:
                if person is None:
                    break  # the list ends; what follows is another sentence
                attendance.add(person)
            return True
    if cue is None:
        if not carry:
            return False
        # A list that goes on after a full stop: "… Sra. B. Sr. C, síndico. Sr. D, …".
        items = _split_items(sentence)
        people = [read_name(items[0], need_honorific=True)] if items else []
        if people[:1] == [None] or not _is_honorific(sentence.split()[0]):
            return False
        for item in items:
            attendee = read_name(item)
            if attendee is not None:
                attendance.add(attendee)
        return True
    end = len(sentence)
    negative = _NEGATIVE.search(folded)
    if negative is not None:
        end = negative.start()
        for item in _split_items(sentence[negative.end() : len(sentence)]):
            absent = read_name(item)
            if absent:
                attendance.absent.add(absent.name)
    position = cue.end()
    taken = False
    while position < end and (negative is None or negative.start() > cue.start()):
        span = sentence[position:end]
        items = _split_items(span)
        surnames = _surnames([i.strip(" .") for i in items])
        if surnames is not None:
            for name in surnames:
                attendance.add(ParsedAttendee(name=name))
            return True
        for item in items:
            attendee = read_name(item)
            if attendee is not None:
                attendance.add(attendee)
                taken = True
        break
    return taken


def _count_field(text: str) -> int | None:
    for line in text[:_OPENING_CHARS].splitlines():
        match = _COUNT_FIELD.match(clean(line))
        if match is None:
            continue
        who = fold(match["who"] or "")
        if not who or re.fullmatch(_PEOPLE, who) or who in ("miembros", "personas"):
            return int(match["n"])
    return None


def _count(sentences: list[str]) -> int | None:
    for sentence in sentences:
        folded = fold(sentence)
        if not _COUNT_CUE.search(folded):
            continue
        total = 0
        last_end = None
        for match in _COUNT.finditer(folded):
            if last_end is not None and folded[last_end : match.start()].strip() not in (
                "y",
                "e",
                ",",
            ):
                break
            total += int(match["n"] or match["n2"])
            last_end = match.end()
        if total:
            return total
    return None


def read_attendance(text: str) -> Attendance:
    """The attendees, absentees and count the whole ``text`` states (see the module)."""
    attendance = Attendance()
    # Tabs separate the cells of a table: kept, the other white space runs collapsed.
    lines = [
        "\t".join(c for c in map(clean, line.split("\t")) if c)
        for line in text[: _OPENING_CHARS * 2].splitlines()
    ]
    _blocks([line for line in lines if line], attendance)
    # "…" folds to "...": spelled out, the positions of a sentence and its folding match.
    sentences = _sentences(_unglue(text[:_OPENING_CHARS].replace("…", "...")))
    carry = False
    for sentence in sentences:
        carry = _sentence_names(sentence, attendance, carry=carry)
    attendance.attendees = [
        a
        for a in attendance.attendees
        if not any(same_person(a.name, n) for n in attendance.absent)
    ]
    attendance.count = _count_field(text) or _count(sentences)
    return attendance


# -- presenters stated in sentences

# The families of the roles a sentence may name instead of the person ("el Presidente hace
# una breve presentación"), by the start of their folded words; "vicepresidente" is its own.
_ROLE_FAMILIES = (
    ("vicepresid", "vicepresid"),
    ("presid", "presid"),
    ("secretar", "secretar"),
    ("tesor", "tesor"),
    ("alcald", "alcald"),
    ("coordinador", "coordin"),
    ("coordinacion", "coordin"),
    ("rector", "rector"),
    ("decan", "decan"),
)
# A verb of presenting, folded: what its subject (before it) or its agent (after it) did.
_PRESENTS = re.compile(
    r"\b(?:presenta|presento|expone|expuso|informa|informo|da\s+cuenta|dio\s+cuenta"
    r"|sustenta|sustento|para\s+(?:presentar|exponer|informar|sustentar)"
    r"|rinde|rindio|(?:hace|hizo|realiza|realizo|efectua|efectuo|brinda|brindo)\s+(?:una\s+|la\s+)?"
    r"(?:breve\s+|amplia\s+)?(?:presentacion|exposicion))\b"
)
# What is filed rather than presented: "presentó una queja", "presenta su renuncia".
_FILED = re.compile(
    r"\s+(?:una?|su|sus|el|la)\s+(?:queja|reclamo|reclamacion|denuncia|solicitud|pedido|excusa"
    r"|renuncia|mocion|recurso|carta|oficio|pregunta|ruego|enmienda|voto|escrito|dimision)"
)
_BY = re.compile(
    r"\b(?:a\s+cargo\s+(?:del?|de\s+la)|(?:el|la)\s+(?:expositora?|ponente)[:,]?|(?:expositora?|ponente)\s*:)\s+"
)
_TALK = re.compile(
    r"\b(?:presentacion|exposicion|ponencia|charla|conferencia|informe|taller|capacitacion)"
)
_NAME_BEFORE_STOP = word_set(
    "seguidamente luego acto continuacion posteriormente despues finalmente asimismo tambien "
    "ademas entonces igualmente enseguida primero inmediatamente el en con por para a al "
    "tras segun y"
)
# The person a role is held by: "Presidencia: X", "bajo la presidencia del Sr. X",
# "actuando en la Presidencia el Sr. X", "preside la sesión la Sra. X", "el Presidente Sr. X".
_ROLE_HELD = re.compile(
    r"\b(?P<role>[a-z-]{4,30})\s*:\s+"
    r"|\b(?:en\s+(?:la\s+)?|bajo\s+la\s+)(?P<office>[a-z]{4,20})\s+(?:del?\s+|de\s+la\s+|el\s+|la\s+)"
    r"|\bpreside\s+(?:la\s+(?:sesion|reunion|asamblea)\s+)?(?:el\s+|la\s+)?"
    r"|\bpresidid[oa]\s+por\s+(?:el\s+|la\s+)?"
)


def _family(word: str) -> str | None:
    for start, family in _ROLE_FAMILIES:
        if word.startswith(start):
            return family
    return None


def _flat(text: str) -> tuple[str, str] | None:
    flat = clean(text)
    folded = fold(flat)
    if len(folded) != len(flat):
        return None  # folding changed the length; positions would not match
    return flat, folded


def _roles(flat: str, folded: str) -> dict[str, set[str]]:
    """The people each role is said to be held by (folded families to names)."""
    held: dict[str, set[str]] = {}
    for match in _ROLE_HELD.finditer(folded):
        role = match["role"] or match["office"] or "presid"
        families = {f for w in re.split(r"[-/]", role) if w and (f := _family(w))}
        if not families:
            continue
        person = _name_after(flat, match.end())
        if person is None:
            continue
        for family in families:
            held.setdefault(family, set()).add(person)
    return held


def _name_after(flat: str, start: int, *, need_title: bool = False) -> str | None:
    """The name right after ``start``, after an article, job and courtesy titles (one of
    them is required with ``need_title``); it ends at the first word that is not part of a
    name."""
    tokens = flat[start : start + 200].split()[:14]
    index = 0
    titled = False
    while index < len(tokens) and (
        _bare(tokens[index]) in ("el", "la")
        or _is_title(tokens[index])
        or _is_honorific(tokens[index])
    ):
        titled = titled or _bare(tokens[index]) not in ("el", "la")
        index += 1
    if need_title and not titled:
        return None
    name: list[str] = []
    for token in tokens[index : index + 8]:
        core = token.strip(".,;:()*_")
        bare = _bare(token)
        if not core:
            break
        if bare in _PARTICLES and name:
            name.append(core)
            continue
        initial = len(core) == 1 and token.endswith(".") and core.isupper()
        if not initial and (
            not _capital(core) or bare in _NOT_NAME or _is_title(token) or core.isdigit()
        ):
            break
        name.append(core + ("." if initial else ""))
        if (token.rstrip(".") != token and not initial) or token.endswith((",", ";", ":")):
            break
    while name and _bare(name[-1]) in _PARTICLES:
        name.pop()
    if len([w for w in name if _bare(w) not in _PARTICLES and not w.endswith(".")]) < 2:
        return None
    text = " ".join(name)
    return title_case(text) if is_upper(text) else text


def _name_before(flat: str, end: int) -> tuple[str | None, str | None]:
    """The subject right before ``end``: a name (with its courtesy title, or after a role)
    or a role alone; (name, role family)."""
    tokens = flat[max(0, end - 200) : end].split()[-10:]
    name: list[str] = []
    role = None
    for token in reversed(tokens):
        core = token.strip(".,;:()*_")
        bare = _bare(token)
        if token.endswith((".", ":", ";")) and not (
            _is_honorific(token) or (len(core) == 1 and core.isupper())
        ):
            break
        if token.endswith(",") and name:
            break
        if _is_honorific(token):
            break
        if _is_title(token):
            family = _family(bare)
            if family and not name:
                role = family
            break
        if bare in _PARTICLES and name:
            name.insert(0, core)
            continue
        initial = len(core) == 1 and core.isupper()
        if not initial and (not _capital(core) or bare in _NOT_NAME or core.isdigit()):
            break
        if bare in _NAME_BEFORE_STOP:
            break
        name.insert(0, core + ("." if initial else ""))
        if len(name) >= 6:
            break
    while name and _bare(name[0]) in _PARTICLES:
        name.pop(0)
    if len([w for w in name if _bare(w) not in _PARTICLES and not w.endswith(".")]) >= 2:
        text = " ".join(name)
        return (title_case(text) if is_upper(text) else text), None
    return None, role


def read_presenters(text: str) -> list[str]:
    """The people the minutes say presented something: "X expuso…", "la Sra. X presenta el
    informe…", "informa el Tesorero Sr. X", "hace una breve presentación", "a cargo del Dr.
    X", "el expositor Sr. X"; a role alone ("El Presidente hace una breve presentación") only
    when the text names one person in that role ("Presidencia: X")."""
    flattened = _flat(text[: _OPENING_CHARS * 8])
    if flattened is None:
        return []
    flat, folded = flattened
    found: list[str] = []
    roles: list[str] = []
    for match in _PRESENTS.finditer(folded):
        if match[0].startswith("present") and _FILED.match(folded, match.end()):
            continue
        before = folded[max(0, match.start() - 4) : match.start()]
        subject = match.start()
        who = re.search(r",\s+quien(?:es)?\s+$", folded[max(0, subject - 12) : subject])
        if who is not None:
            subject = max(0, subject - 12) + who.start()  # "el Lic. X, quien presentó"
        name, role = _name_before(flat, subject)
        if name is None and role is None and not before.endswith(("se ", "le ")):
            name = _name_after(flat, match.end(), need_title=True)
            after = folded[match.end() : match.end() + 40].split()
            if name is None and after and after[0] in ("el", "la") and len(after) > 1:
                role = _family(after[1])
        if name is not None:
            found.append(name)
        elif role is not None:
            roles.append(role)
    for match in _BY.finditer(folded):
        if match[0].startswith("a") and not _TALK.search(
            folded, max(0, match.start() - 80), match.start()
        ):
            continue  # "a cargo de" a task, not a talk
        name = _name_after(flat, match.end())
        if name is not None:
            found.append(name)
    if roles:
        held = _roles(flat, folded)
        for role in roles:
            people = held.get(role, set())
            if len(people) == 1:
                found.append(next(iter(people)))
    unique: list[str] = []
    for name in found:
        if not any(same_person(name, other) for other in unique):
            unique.append(name)
    return unique
