"""Agreements: the "Responsable:" and "Plazo:" fields taken out of an agreement's text,
inline or on lines of their own, and the dates that wait for the meeting's date to be known
(deadlines here, and the next meeting in :mod:`.next_meeting`): a written date takes the
meeting's year when it has none (the next year when that would fall before the meeting), a
relative phrase ("dentro de un mes") counts from the meeting's date.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minka.core.text import fold
from minka.meetings.minutes.importers.parsed import ParsedAgreement
from minka.meetings.minutes.importers.spanish import dates
from minka.meetings.minutes.importers.spanish.text import clean, short

_AGREEMENT_FIELD = re.compile(
    r"(?:^|(?<=[\s(\[.;,–—-]))(?P<label>responsables?|encargad[oa]s?|a\s+cargo\s+de"
    r"|plazo|fecha\s+l[ií]mite|fecha\s+de\s+entrega)\s*:\s*",
    re.IGNORECASE,
)


# A decision written as a sentence, with no "Acuerdos" heading (folded text): "se aprueba
# por unanimidad", "Por mayoría se ha decidido…", "El Consejo aprobó…", "ACUERDO Nº 3",
# "aprobado con 5 votos a favor", "queda aprobada el acta", "damos por aprobada el acta",
# "adoptándose por unanimidad el siguiente acuerdo", "ACUERDO NÚMERO DOS", a council
# agreement's code after a vote "(A.C. N° 45-2011)". An order only to forward papers
# ("Transcríbase", "Pase a comisión", "Comuníquese") is the procedure, not a decision,
# unless a decision formula says it ("se acordó que pase a comisión"). A passive "fue
# aprobada" alone may report someone else's decision ("nos dice que la solicitud fue
# aprobada"): it counts only with how it was voted.
_DECISION = re.compile(
    r"\bse\s{1,3}(?:ha\s{1,3}|han\s{1,3})?(?:aprueba|aprueban|aprobo|aprobaron|aprobado|acuerda"
    r"|acuerdan|acordo|acordaron|acordado|resuelve|resolvio|resuelto|decide|decidio|decidido"
    r"|adopta|adopto|adoptado)\b"
    r"|\b(?:aprobo|aprobaron|acordo|acordaron|acuerda|acuerdan|resolvio|resolvieron"
    r"|decidieron|aprobandose|acordandose)\b"
    r"|\b(?:queda|quedan|quedo|quedaron|quedando|se\s{1,3}da|se\s{1,3}dan)\s{1,3}"
    r"(?:\w{1,20}\s{1,3}){0,3}?(?:por\s{1,3})?aprobad[oa]s?\b"
    r"|\b(?:damos|doy|dan|se\s{1,3}dio|se\s{1,3}dieron)\s{1,3}por\s{1,3}aprobad[oa]s?\b"
    r"|\b(?:aprobad[oa]s?|aprobacion|adoptad[oa]s?|adoptandose|elegid[oa]s?|electo|electa)\s{1,3}"
    r"(?:\w{1,20}\s{1,3}){0,3}?(?:por\s{1,3}(?:unanimidad|mayoria|consenso|aclamacion|asentimiento)"
    r"|con\s{1,3}(?:\d{1,4}|\w{1,12})\s{1,3}votos|de\s{1,3}manera\s{1,3}unanime|sin\s{1,3}observaciones"
    r"|en\s{1,3}general|en\s{1,3}particular|sobre\s{1,3}tablas)"
    r"|^acuerdo\s{1,3}(?:n[°ºo.]{0,2}\s{0,3})?\d{1,3}\b"
    r"|^acuerdo\s{1,3}numero\s{1,3}(?:\d{1,4}|[a-z]{3,12})\b"
    r"|\(a\.\s?c\.\s{0,2}n[°ºo.]{0,2}\s{0,3}\d"
    # "resulta aprobado", "el acta es aprobada"; a sentence that is only "Aprobado."
    r"|\b(?:es|son|resulta|resultan|resulto|resultaron|resultando)\s{1,3}aprobad[oa]s?\b"
    r"|(?:^|[.:;]\s{1,3}|[–—]\s{0,2})[*_]{0,2}aprobad[oa]s?(?:\s{1,3}por\s{1,3}\w{1,12})?"
    r"[*_]{0,2}\s{0,3}(?:[.!]|$)"
    r"|\bresultado\s{0,2}:\s{0,2}[*_]{0,2}aprobad[oa]s?\b"
    # "Se vota y aprueba…", "sanciona con fuerza de Ordenanza", "quedamos en que…".
    r"|\bse\s{1,3}vota(?:n|ron)?\s{1,3}y\s{1,3}(?:se\s{1,3})?aprueba(?:n)?\b"
    r"|\bsanciona(?:n)?\s{1,3}con\s{1,3}fuerza\s{1,3}de\b"
    r"|\b(?:quedamos|quedaron|se\s{1,3}quedo)\s{1,3}en\s{1,3}que\b"
    # "El Consejo Provincial, en uso de sus atribuciones, RESUELVE:".
    r"|\b(?:resuelve|resuelven|acuerda|acuerdan|decide|deciden)\s{0,2}:"
    # "Resolución N° 015-2026:", "RESOLUCIÓN 12.-": a body's numbered resolution heading it.
    r"|^resolucion\s{1,3}(?:n[°ºo.]{0,2}\s{0,3})?\d[\d/.-]{0,14}\s{0,2}(?::|\.-|–|—|-\s)"
    # "se toma el acuerdo de…", "se adoptó el siguiente acuerdo", "llegaron al acuerdo".
    r"|\b(?:toma|toman|tomo|tomaron|adopta|adoptan|adopto|adoptaron|llega|llegan|llego"
    r"|llegaron)\s{1,3}(?:el|al|los|a\s{1,3}los)\s{1,3}(?:siguientes?\s{1,3})?acuerdos?\b"
    # The body itself deciding in the present: "El Consejo Universitario aprueba…".
    r"|\b(?:consejo|concejo|pleno|asamblea|junta|comite|comision|directorio|directiva"
    r"|cabildo|socios|asociados|comuneros|miembros)\b(?:\s{1,3}\w{1,20}){0,3}?,?"
    r"\s{1,3}(?:aprueba|aprueban|decide|deciden|resuelve|resuelven|ratifica|ratifican)\b"
    # "se sanciona la Ordenanza", "queda sancionada"; "se conviene en…"; "resultó electo".
    r"|\bse\s{1,3}(?:sanciona|sancionan|sanciono|sancionaron|conviene|convienen|convino)\b"
    r"|\bqueda(?:n|ron)?\s{1,3}sancionad[oa]s?\b"
    r"|(?<!\bque\s)\b(?:result|qued)(?:o|aron|a|an|ando)\s{1,3}(?:elect[oa]s?|elegid[oa]s?)\b"
    # A code: "ACUERDO CU-05/2026:".
    r"|^acuerdo\s{1,3}(?:n[°ºo.]{0,2}\s{0,3})?[a-z]{1,6}[-/.]\d"
    # "ACUERDO REGIONAL N° 123-2011", "Acuerdo de Concejo Nº 12", "RESOLUCIÓN DE CONSEJO
    # UNIVERSITARIO N° 001-2016-CU:" (a resolution only when it heads its text).
    r"|^acuerdo\s{1,3}(?:[a-z]{2,12}\s{1,3}){1,3}n[°ºo.]{1,2}\s{0,3}\d"
    r"|^resolucion\s{1,3}(?:[a-z]{2,14}\s{1,3}){1,3}n[°ºo.]{1,2}\s{0,3}[\w/.-]{1,30}\s{0,2}"
    r"(?::|\.-|–|—|-\s)"
    # An order voted: "se autoriza por unanimidad al tesorero…".
    r"|\bse\s{1,3}(?:autoriza|autorizo|ratifica|ratifico|designa|designo|nombra|nombro"
    r"|elige|eligio|otorga|otorgo|encarga|encargo|aprueba|aprueban)\b(?:\s{1,3}\w{1,20}){0,4}?"
    r"\s{1,3}(?:por\s{1,3}(?:unanimidad|mayoria|consenso|aclamacion)|con\s{1,3}\d{1,4}\s{1,3}votos)"
)
# Every decision has one of these (a quick test before the pattern).
_STEMS = (
    "aprue",
    "aprob",
    "acuerd",
    "acord",
    "resuel",
    "resol",
    "decid",
    "adopt",
    "elegid",
    "elect",
    "(a.",
    "autoriz",
    "sancion",
    "quedamos",
    "quedaron en",
    "quedo en",
    "convi",
    "ratific",
    "design",
    "nombr",
    "elig",
    "otorg",
    "encarg",
)
# What makes a match no decision: denied ("no se aprueba"), only a condition ("si se
# aprueba"), a question, or a reference to an earlier one ("como se acordó", "según lo
# acordado").
_UNDONE = re.compile(
    r"\b(?:no|ni|si|cuando|hasta\s+que|como|segun)\s{1,3}(?:se\s{1,3}|lo\s{1,3})?$"
)
# A question ("pregunta qué se resuelve…"): the accent, lost in the folded text, tells it.
_ASKED = re.compile(r"\b(?:qué|cómo|cuándo|cuál|dónde)\s{1,3}(?:se\s{1,3})?$")
# Someone reporting another body's decision: "El tesorero informa que la Municipalidad
# aprobó…" (the match comes after the reporting verb and "que", in the same sentence).
_REPORTED = re.compile(
    r"\b(?:informa|informo|comunica|comunico|da\s{1,3}cuenta\s{1,3}de|dio\s{1,3}cuenta\s{1,3}de"
    r"|manifiesta|manifesto|indica|indico|senala|senalo|menciona|menciono|refiere|refirio"
    r"|recuerda|recordo|explica|explico|anuncia|anuncio)\s{1,3}(?:\w{1,20}\s{1,3}){0,3}?que\b"
    r"[^.;:]{0,120}$"
)


def is_decision(text: str) -> bool:
    """Whether ``text`` states a decision taken (see :data:`_DECISION`); a proposal
    rejected ("se rechaza", "no se aprueba") or a vote only announced ("se someterá a
    votación") is none."""
    lower = text[:2000].lower()
    if not any(stem in lower for stem in _STEMS):
        return False
    folded = fold(lower)
    for match in itertools.islice(_DECISION.finditer(folded), 20):
        before = folded[max(0, match.start() - 14) : match.start()]
        if _UNDONE.search(before) or _ASKED.search(
            lower[max(0, match.start() - 14) : match.start()]
        ):
            continue
        sentence = folded[max(0, match.start() - 200) : match.start()]
        if _REPORTED.search(sentence):
            continue
        return True
    return False


def same_agreement(first: str, second: str) -> bool:
    """Whether two agreements say the same thing (a decision stated in the text and its
    summary under "Acuerdos"): most of the shorter one's words are in the other."""
    one, other = _content(first), _content(second)
    if not one or not other:
        return False
    shorter, longer = (one, other) if len(one) <= len(other) else (other, one)
    return len(shorter & longer) * 3 >= len(shorter) * 2


_SMALL = frozenset(
    (  # noqa: SIM905 -- a word list reads better as prose.
        "el la los las lo un una de del al a en con por para y e o u que se su sus es fue "
        "como sobre este esta"
    ).split()
)


def _content(text: str) -> set[str]:
    return {word for word in re.findall(r"\w{3,}", fold(text[:2000])) if word not in _SMALL}


# A table of agreements ("Acuerdo | Responsable | Plazo", Markdown or typed with bars): the
# words of its header row, folded, and the column each names.
_HEADER_WORDS = {
    **dict.fromkeys(
        (  # noqa: SIM905 -- a word list reads better as prose.
            "acuerdo acuerdos compromiso compromisos tarea tareas actividad actividades accion "
            "acciones decision decisiones descripcion detalle"
        ).split(),
        "text",
    ),
    **dict.fromkeys(
        ("responsable", "responsables", "encargado", "encargada", "encargados", "a cargo"),
        "responsible",
    ),
    **dict.fromkeys(("plazo", "fecha", "fecha limite", "fecha de entrega", "cuando"), "due"),
    **dict.fromkeys(
        ("n", "no", "nro", "num", "numero", "item", "estado", "observaciones"), "other"
    ),
}
TABLE_MAX_CELLS = 12


def table_cells(text: str) -> list[str] | None:
    """The cells of a table row ("Acuerdo | Responsable | Plazo", "| a | b |"); ``None``
    when ``text`` is no row (fewer than two cells, or too many)."""
    if text.count("|") < 2 and not (text.count("|") == 1 and not text.strip().startswith("|")):
        return None
    cells = [cell.strip() for cell in text.strip().strip("|").split("|", TABLE_MAX_CELLS)]
    if not 2 <= len(cells) <= TABLE_MAX_CELLS or not any(cells):
        return None
    return cells


def table_header(cells: list[str]) -> list[str] | None:
    """The column each cell of a header row names ("text", "responsible", "due",
    "other"); ``None`` when the row is not a header."""
    roles = [_HEADER_WORDS.get(" ".join(re.findall(r"\w+", fold(cell)))) for cell in cells]
    if any(role is None for role in roles) or "text" not in roles:
        return None
    return [str(role) for role in roles]


def table_agreement(cells: list[str], columns: list[str] | None) -> str:
    """A row of a table of agreements written as an agreement with its "Responsable:" and
    "Plazo:" fields. Without a header, a cell that is a date is the deadline and a short
    cell after the first is the responsible."""
    texts: list[str] = []
    responsible = due = ""
    for position, cell in enumerate(cells):
        if not cell:
            continue
        role = columns[position] if columns and position < len(columns) else None
        if role is None:
            found = dates.find_dates(cell)
            if position and found and found[0].start == 0 and len(cell) <= 40:
                role = "due"
            elif position and not responsible and len(cell.split()) <= 5 and texts:
                role = "responsible"
            else:
                role = "text"
        if role == "responsible" and not responsible:
            responsible = cell
        elif role == "due" and not due:
            due = cell
        else:
            texts.append(cell)
    text = " ".join(texts)
    if responsible:
        text += f" Responsable: {responsible}"
    if due:
        text += f" Plazo: {due}"
    return text.strip()


@dataclass
class PendingDate:
    """A date to resolve once the meeting's date is known (deadlines, next meeting)."""

    match: dates.DateMatch | None
    relative: dates.RelativeMatch | None


# An agreement whose deadline waits for the meeting's date, and the deadline as written.
Deadline = tuple[ParsedAgreement, PendingDate, str]


def agreement_fields(
    agreement: ParsedAgreement, text: str, *, deadlines: list[Deadline], warnings: list[str]
) -> None:
    """Take "Responsable:" and "Plazo:" out of ``text`` into ``agreement``; the rest of
    ``text`` is added to the agreement's text. A deadline is added to ``deadlines`` (and
    resolved by the parser at the end); a deadline that is not a date stays in the text, with
    a warning."""
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
        if not value or (
            name.startswith(("responsable", "encargad", "a cargo"))
            and not any(ch.isalpha() for ch in value)
        ):  # "Responsable:" with no name after it: kept as written
            kept.append(raw)
            continue
        if name.startswith(("responsable", "encargad", "a cargo")):
            if agreement.responsible:
                kept.append(raw)
            else:
                agreement.responsible = value
            continue
        pending = pending_date(value)
        if pending is None or agreement.due is not None:
            kept.append(raw)
            warnings.append(
                _("The deadline “%(text)s” is not a date; it was kept in the agreement.")
                % {"text": short(value)}
            )
            continue
        deadlines.append((agreement, pending, value))
        agreement.due = dt.date.min  # resolved in Parser.finish()
    agreement.text = _join(agreement.text, " ".join(kept))


def resolve_after(
    pending: PendingDate,
    meeting_date: dt.date | None,
    *,
    year: int | None,
    today: dt.date,
    what: str,
    warnings: list[str],
) -> dt.date | None:
    """A deadline or next meeting: a written date (the meeting's year when none is
    written, or the next year if that falls before the meeting) or a span of time
    after the meeting's date. ``year`` and ``today`` are the parser's (see
    :func:`~minka.meetings.minutes.importers.spanish.parse_minutes`)."""
    if pending.match is not None:
        match = pending.match
        if match.year is not None:
            resolved = match.resolve(match.year)
        else:
            base = (
                year
                if match.present and year
                else (meeting_date.year if meeting_date else year or today.year)
            )
            resolved = match.resolve(base)
            if resolved and meeting_date and resolved < meeting_date and not match.present:
                resolved = match.resolve(base + 1)
        if resolved is None:
            warnings.append(_("“%(date)s” is not a valid date.") % {"date": short(what)})
        return resolved
    if pending.relative is not None and meeting_date is not None:
        return pending.relative.after(meeting_date)
    return None


def pending_date(text: str) -> PendingDate | None:
    """The first date written in ``text``, else its first relative phrase; ``None`` when
    it has neither."""
    found = dates.find_dates(text)
    if found:
        return PendingDate(match=found[0], relative=None)
    relative = dates.find_relative(text)
    if relative is not None:
        return PendingDate(match=None, relative=relative)
    return None


def _join(first: str, second: str) -> str:
    return clean(f"{first} {second}")
