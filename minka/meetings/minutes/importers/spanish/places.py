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
# "en la ciudad de X", "en el distrito de X", "En la Villa de X": the place is X.
_CITY = re.compile(
    r"\ben\s+(?:la\s+(?:ciudad|villa|localidad|comuna|comunidad(?:\s+(?:campesina|nativa))?"
    r"|aldea|vereda|colonia|parroquia|delegaci[oó]n)|el\s+(?:distrito|municipio|pueblo"
    r"|caser[ií]o|centro\s+poblado|anexo|cant[oó]n|corregimiento|barrio|poblado)"
    r"|la\s+provincia|la\s+regi[oó]n|el\s+departamento)"
    r"\s+de\s+(?P<place>[^,.;:()]{2,80})",
    re.IGNORECASE,
)
# An opening "En Punitaqui a 2 días…", "En Madrid, a 5 de…": a capitalized name, then "a" or a
# comma (only at the start of a paragraph).
_OPENING_CITY = re.compile(
    r"^[Ee]n\s+(?P<place>[A-ZÁÉÍÓÚÑ][\w'’-]*(?:\s+(?:de\s+|del\s+|la\s+)?[A-ZÁÉÍÓÚÑ][\w'’-]*){0,3})"
    r"(?:\s*,|\s+a\s)"
)
# "en las oficinas de X", "en el Salón de Sesiones del…", "EN EL Club Social…": the venue as
# written.
_VENUE = re.compile(
    r"\b(?:en|desde)\s+(?:el|la|las|los)\s+(?P<place>(?:oficinas?|local|sede|auditorio|sala|sal[oó]n"
    r"|instalaciones|casa|club|aula|domicilio|colegio|escuela|biblioteca|palacio|edificio"
    r"|hotel|centro|teatro|c[aá]mara|calle|avenida|av\.|municipalidad|ayuntamiento|alcald[ií]a"
    r"|gobernaci[oó]n|prefectura|iglesia|capilla|universidad|facultad|instituto|rectorado"
    r"|paraninfo|hemiciclo|despacho|coliseo|estadio|mercado|plaza|parque|cancha"
    r"|instituci[oó]n\s+educativa|I\.E\.|casona|hacienda|cooperativa)\b[^,;:()]{2,100})",
    re.IGNORECASE,
)
# Meetings held online: "sesión virtual", "vía Zoom", "(edición en línea)", "en Discord".
_ONLINE = re.compile(
    r"\b(?:(?:sesi[oó]n|reuni[oó]n|asamblea|junta|modalidad|manera|forma|modo)[\s,:]{1,3}"
    r"(?:\w+[\s,:]{1,3}){0,2}?(?P<virtual>virtual|remota|no\s+presencial|h[ií]brida"
    r"|semipresencial)|(?P<place>virtualmente|en\s+l[ií]nea|online|a\s+distancia"
    r"|por\s+medios\s+telem[aá]ticos|(?:v[ií]a|por|en|plataforma)\s+(?:zoom|google\s+meet"
    r"|microsoft\s+teams|webex|skype|meet|teams|jitsi|discord|videoconferencia"
    r"|videollamada)))\b",
    re.IGNORECASE,
)
_STOP = re.compile(
    r"\s+(?:el|siendo|a|a\s+las|a\s+los|se|con|del\s+d[ií]a|los\s+d[ií]as|desde|donde|para"
    r"|y\s+(?:se|con))\b.*$",
    re.IGNORECASE,
)
_MAX_WORDS = 12


def _known(text: str) -> bool:
    """Whether ``text`` names a known place: whole, or its last comma part ("San Isidro,
    Lima")."""
    parts = [" ".join(fold(part).split()) for part in text.split(",")]
    return bool(parts) and all(parts) and (parts[-1] in KNOWN_PLACES)


# "…del Ayuntamiento los señores concejales": an article and a lower-case word end a venue.
_LOWER_TAIL = re.compile(r"(?<!\bde)(?<!\bdel)\s+(?:los|las|la|el|al)\s+[a-záéíóúñ].*$")


def _trim(text: str) -> str | None:
    place = _STOP.sub("", " ".join(text.split()))
    place = _LOWER_TAIL.sub("", place).strip(" -–—")
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


def place_parts(text: str) -> tuple[str | None, str | None]:
    """The venue ("en las oficinas de X", "desde el salón de actos de…", first letter in upper
    case) and the city ("en la ciudad de X", "En Punitaqui a…") an opening sentence names."""
    city_match = _CITY.search(text) or _OPENING_CITY.match(text)
    city = _trim(city_match["place"]) if city_match else None
    venue_match = _VENUE.search(text)
    venue = _trim(_cut_sentence(venue_match["place"])) if venue_match else None
    if venue:
        venue = venue[0].upper() + venue[1:]
    return venue, city


def join_place(venue: str | None, city: str | None) -> str | None:
    """ "venue, city", or whichever is known (the city once when the venue names it)."""
    if venue and city and fold(city) not in fold(venue):
        return f"{venue}, {city}"
    return venue or city


def place_in_sentence(text: str) -> str | None:
    """The place an opening sentence names, venue and city (:func:`place_parts`) as
    "venue, city" when both are named; ``None`` otherwise."""
    return join_place(*place_parts(text))


# The body that meets names its town: "MUNICIPALIDAD PROVINCIAL DE ICA", "Ayuntamiento de
# Alcolea", "Concejo Municipal de Tarrazú", "Gobierno Regional de Junín".
_JURISDICTION = re.compile(
    r"\b(?:municipalidad(?:\s+(?:provincial|distrital|metropolitana))?|ayuntamiento"
    r"|concejo\s+(?:municipal|cantonal|distrital|provincial|deliberante)|alcald[ií]a(?:\s+municipal)?"
    r"|gobierno\s+(?:regional|provincial|aut[oó]nomo\s+descentralizado)|municipio)\s+(?:del?\s+)"
    r"(?P<place>[A-ZÁÉÍÓÚÑ][\w'’-]*(?:\s+(?:de\s+|del\s+|la\s+)?[A-ZÁÉÍÓÚÑ][\w'’-]*){0,3})",
    re.IGNORECASE,
)


def jurisdiction(text: str) -> str | None:
    """The town of the council that meets, when a heading names it ("Concejo Municipal de
    Tarrazú" → "Tarrazú"); a last resort for the place, as councils meet in their town."""
    match = _JURISDICTION.search(text)
    if match is None:
        return None
    place = _trim(match["place"])
    if place is None:
        return None
    return place if not place.isupper() else place.title()


def online_in_sentence(text: str) -> str | None:
    """That the meeting was held online, as ``text`` says it ("Virtual" for "sesión
    virtual", "Zoom" for "vía Zoom", "En línea"); ``None`` otherwise."""
    online = _ONLINE.search(text)
    if online is not None:
        place = " ".join((online["virtual"] or online["place"]).split())
        if not fold(place).startswith(("en linea", "por medios")):
            place = re.sub(r"^(?:en|v[ií]a|por|plataforma)\s+", "", place, flags=re.IGNORECASE)
        return place[0].upper() + place[1:]
    return None


_STOP_MARK = re.compile(r"\.(?:\s|$)")
_LAST_WORD = re.compile(r"(\w+)$")


def _cut_sentence(text: str) -> str:
    """``text`` up to the end of its sentence: a full stop that is not an abbreviation's (a
    single letter, or a short word with a capital: "Av.", "Tte.", "Gral.", "Sr.", "Ma.")."""
    for mark in _STOP_MARK.finditer(text):
        word = _LAST_WORD.search(text[max(0, mark.start() - 12) : mark.start()])
        if word is not None and (len(word[1]) == 1 or (len(word[1]) <= 4 and word[1][0].isupper())):
            continue
        return text[: mark.start()]
    return text
