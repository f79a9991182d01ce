"""Where a meeting was held, when the minutes say it in passing rather than in a "Lugar:"
line: the opening sentence ("En la ciudad de Arequipa, siendo las 10:00…", "…en las
oficinas de la Red Digital, el 5 de mayo…") or a place in brackets after the title or the
date ("ACTA DE LA MESA TIC (Lima)").

Deliberately small: a bracket counts only when it names a known place of Peru (its
regions, their capitals and Lima's districts), because brackets in minutes usually hold an
acronym or an aside; the opening phrases are the few that Spanish minutes use. Pure
Python: no models, no I/O.
"""

from __future__ import annotations

import re

from minka.core.text import fold

# Regions of Peru, their capitals, Callao and Lima's most named districts (folded).
KNOWN_PLACES = frozenset(
    fold(name)
    for name in (
        "Lima",
        "Callao",
        "Amazonas",
        "Chachapoyas",
        "Áncash",
        "Huaraz",
        "Chimbote",
        "Apurímac",
        "Abancay",
        "Arequipa",
        "Ayacucho",
        "Cajamarca",
        "Cusco",
        "Cuzco",
        "Huancavelica",
        "Huánuco",
        "Ica",
        "Junín",
        "Huancayo",
        "La Libertad",
        "Trujillo",
        "Lambayeque",
        "Chiclayo",
        "Loreto",
        "Iquitos",
        "Madre de Dios",
        "Puerto Maldonado",
        "Moquegua",
        "Pasco",
        "Cerro de Pasco",
        "Piura",
        "Puno",
        "Juliaca",
        "San Martín",
        "Moyobamba",
        "Tarapoto",
        "Tacna",
        "Tumbes",
        "Ucayali",
        "Pucallpa",
        "Miraflores",
        "San Isidro",
        "Jesús María",
        "Lince",
        "Barranco",
        "Surco",
        "Santiago de Surco",
        "San Borja",
        "La Molina",
        "Pueblo Libre",
        "Magdalena del Mar",
        "San Miguel",
        "Breña",
        "La Victoria",
        "Cercado de Lima",
        "Chorrillos",
        "Los Olivos",
        "Comas",
        "San Juan de Lurigancho",
        "Ate",
        "Villa El Salvador",
    )
)

_BRACKET = re.compile(r"\((?P<inside>[^()\d]{2,60})\)")
# "en la ciudad de X", "en el distrito de X": the place is X.
_CITY = re.compile(
    r"\ben\s+(?:la\s+ciudad|el\s+distrito|la\s+provincia|la\s+regi[oó]n|el\s+departamento)"
    r"\s+de\s+(?P<place>[^,.;:()]{2,80})",
    re.IGNORECASE,
)
# "en las oficinas de X", "en el auditorio de X": the place is the venue as written.
_VENUE = re.compile(
    r"\ben\s+(?:el|la|las|los)\s+(?P<place>(?:oficinas?|local|sede|auditorio|sala|salón|salon"
    r"|instalaciones|casa)\b[^,.;:()]{2,80})",
    re.IGNORECASE,
)
# Words that end the place inside a sentence ("…de Lima el 5 de mayo", "…siendo las 10").
_STOP = re.compile(
    r"\s+(?:el|siendo|a\s+las|a\s+los|se|con|del\s+d[ií]a|los\s+d[ií]as|desde|donde|para"
    r"|y\s+(?:se|con))\b.*$",
    re.IGNORECASE,
)
_MAX_WORDS = 12


def _known(text: str) -> bool:
    """Whether ``text`` names a known place: whole, or its last comma part ("San Isidro,
    Lima")."""
    parts = [" ".join(fold(part).split()) for part in text.split(",")]
    return bool(parts) and all(parts) and (parts[-1] in KNOWN_PLACES)


def _trim(text: str) -> str | None:
    place = _STOP.sub("", " ".join(text.split())).strip(" -–—")
    if not place or len(place.split()) > _MAX_WORDS or not place[0].isalpha():
        return None
    return place


def place_in_brackets(text: str) -> str | None:
    """The first bracketed known place of ``text``, as written ("(Lima)" → "Lima")."""
    for match in _BRACKET.finditer(text):
        inside = " ".join(match["inside"].split())
        if _known(inside):
            return inside
    return None


def place_in_sentence(text: str) -> str | None:
    """The place an opening sentence names: the city of "en la ciudad de X", or the venue
    of "en las oficinas de X" (with its first letter in upper case); ``None`` otherwise."""
    city = _CITY.search(text)
    if city is not None:
        return _trim(city["place"])
    venue = _VENUE.search(text)
    if venue is not None:
        place = _trim(venue["place"])
        return place[0].upper() + place[1:] if place else None
    return None
