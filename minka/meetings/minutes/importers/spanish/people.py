"""People: names and courtesy titles, the organization written after a name, presenters
("Presentación del Sr. X quien planteó:", "Expositor: Dra. X (Org)") and attendees ("Name
(Organization)", "Name – Organization" or a bare name, several on one line).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from minka.core.text import fold
from minka.meetings.minutes.importers.parsed import ParsedAttendee
from minka.meetings.minutes.importers.spanish.text import (
    FIELD,
    clean,
    is_capitalized,
    is_upper,
    word_set,
)

_HONORIFIC = (
    r"(?:srta|sra|sr|dra|dr|do[ñn]a|don|ing|lic|mg|mag|prof|abog|econ|arq|se[ñn]orita|se[ñn]ora|se[ñn]or"
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
_TOKEN = re.compile(r"\S+")
_DASHES = ("-", "–", "—")
_PARTICLES = word_set("de del la las los y da van von di")
_ORGANIZATION_WORDS = word_set(
    "asociacion organizacion red instituto ministerio viceministerio colegio centro consejo "
    "sociedad universidad fundacion ong comision camara grupo mesa colectivo foro secretaria "
    "direccion programa oficina agencia coordinadora federacion confederacion gremio capitulo "
    "internet isoc empresa municipalidad gobierno congreso superintendencia osiptel pcm mtc "
    "proyecto observatorio alianza comite cooperativa defensoria unidad area"
)
_NAME_STOP = word_set(
    "quien quienes que y e sobre acerca presento expuso planteo explico compartio senalo "
    "realizo hizo indico informo menciono destaco con en por para"
)


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
                and (is_capitalized(following_core) or fold(following_core) in _PARTICLES)
                and fold(following_core) not in _ORGANIZATION_WORDS
                and (upper or not _is_acronym(following_core))
            ):
                index += 1
                continue
            break
        if folded in _NAME_STOP or not is_capitalized(core):
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
    name = clean(text[names[0].start() : names[-1].end()]).rstrip(",:;")
    if name.endswith(".") and not re.search(r"\b\w\.$", name):
        name = name[:-1]
    if upper or is_upper(name):
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
        organization = clean(text[tokens[index].start() + 1 : close])
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
    organization = clean(text[tokens[first].start() : last.end()]).rstrip(",:;.")
    return organization or None, last.end()


@dataclass
class Presenter:
    name: str
    organization: str | None
    point: str  # the text after the line's colon, if any


def read_presenter(line: str, *, in_section: bool) -> Presenter | None:
    """The presenter a line names: "Presentación del Sr. X quien planteó:", "La Sra. X
    presentó …:", "PRESENTACIÓN DEL ING. X", "Expositor: Dra. X (Org)"; in a presentations
    section also a line that starts with a courtesy title ("Ing. X – Org")."""
    if len(line) > 400:
        return None
    upper = is_upper(line)
    person = None
    label = FIELD.match(line)
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
                    and all(is_capitalized(w) or fold(w) in _PARTICLES for w in words)
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
    point = clean(line[colon + 1 :]) if colon != -1 else ""
    return Presenter(name=person.name, organization=person.organization, point=point)


def _looks_like_name(name: str) -> bool:
    stripped = _HONORIFIC_START.sub("", name)
    words = stripped.split()
    if not words or len(words) > 7 or any(ch.isdigit() for ch in name):
        return False
    capitalized = [w for w in words if is_capitalized(w)]
    if any(not is_capitalized(w) and fold(w) not in _PARTICLES for w in words):
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
                given = organization.split()
                if (
                    separator == ","
                    and is_upper(name)
                    and 1 <= len(given) <= 3
                    and not is_upper(organization)
                    and all(is_capitalized(w) for w in given)
                    and not any(fold(w) in _ORGANIZATION_WORDS for w in given)
                ):
                    # "GARCÍA LÓPEZ, María Elena": the surnames first, in capitals.
                    name, organization = f"{organization} {title_case(name)}", ""
                break
    if not _looks_like_name(name):
        return None
    name = _strip_honorific(clean(name))
    if is_upper(name):
        name = title_case(name)
    return ParsedAttendee(name=name, organization=clean(organization or "") or None)


def split_attendees(text: str) -> list[str]:
    """Several attendees on one line: "A (X); B (Y)" or "A (X), B (Y) y C (Z)"."""
    if ";" in text:
        return [part for part in (p.strip() for p in text.split(";")) if part]
    parts = re.split(r"(?<=\))\s*(?:,|\by\b)\s*", text)
    parts = [part for part in (p.strip() for p in parts) if part]
    if len(parts) == 1 and re.search(r"\s(?:y|e)\s", text):
        # "A, B y C": a list of bare names (each one, without a word of an organization).
        names = [p.strip() for p in re.split(r"\s*,\s*|\s+(?:y|e)\s+", text) if p.strip()]
        if len(names) > 1 and all(
            _looks_like_name(name.rstrip(".;"))
            and len(_strip_honorific(name).split()) >= 2
            and not any(fold(w) in _ORGANIZATION_WORDS for w in name.split())
            for name in names
        ):
            return names
    return parts
