"""Pass 2 of the parser: :class:`Parser` reads the units of :mod:`.lines` in order and
fills a :class:`ParsedMinutes`, handing each concern to its module (attendees and presenters
to :mod:`.people`, agreements to :mod:`.agreements`, the next meeting to
:mod:`.next_meeting`, places named in passing to :mod:`.places`); the preamble (date, place,
title) and the choice among the dates found are its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from minka.core.text import fold
from minka.meetings.minutes.importers.parsed import (
    MISSED,
    ParsedAgreement,
    ParsedMinutes,
    ParsedPresentation,
)
from minka.meetings.minutes.importers.spanish import dates, places
from minka.meetings.minutes.importers.spanish.agreements import (
    Deadline,
    agreement_fields,
    is_decision,
    resolve_after,
    same_agreement,
    table_agreement,
    table_cells,
    table_header,
)
from minka.meetings.minutes.importers.spanish.attendance import (
    listed,
    not_a_name,
    read_attendance,
    read_name,
    read_presenters,
    same_person,
)
from minka.meetings.minutes.importers.spanish.lines import (
    ABSENTEES,
    AGENDA,
    AGREEMENTS,
    ATTENDEES,
    BOILERPLATE,
    CLOSING,
    INTERVENTIONS,
    NEXT_MEETING,
    NOTES,
    PRESENTATIONS,
    TITLE_LINE,
    Unit,
    date_line,
    quoted_title,
    read_units,
)
from minka.meetings.minutes.importers.spanish.next_meeting import (
    NEXT_PHRASE,
    announces_next,
    dated,
    read_next_meeting,
)
from minka.meetings.minutes.importers.spanish.people import (
    Presenter,
    parse_attendee,
    read_presenter,
    split_attendees,
)
from minka.meetings.minutes.importers.spanish.text import FIELD, clean, short, words

if TYPE_CHECKING:
    import datetime as dt

# Candidates for the meeting's date, best first: a "Fecha:" line; a date said to be the
# meeting's; a line that is a date ("Lima, 20 de abril de 2026") or a title's date; the first
# date of an opening paragraph. Ties go to the earliest in the text.
FIELD_DATE, HELD_DATE, DATE_LINE, PASSING_DATE = 0, 1, 2, 3
OPENING_LINES = 60  # how far into the text a date broken over lines is looked for
OPENING_CHARS = 6000  # …and no further than this many characters
VENUE_REACH = 3  # how many paragraphs after a city its venue may be named
PLACE_LABELS = frozenset({"sede", "local", "ciudad", "ubicacion"})
OPENING_UNITS = 80  # the paragraphs that make the opening of minutes
JURISDICTION_UNITS = 5  # how early a council's name gives its town as the place
NOISY = 2  # more lines than this of one kind of doubt make one warning


@dataclass
class _Candidate:
    priority: int
    order: int
    value: object


@dataclass
class _Claim:
    """A unit that gave values to fields chosen at the end (date, place, title): it goes to
    the notes when it has other words, or when a field took another value."""

    unit: Unit
    leftover: bool
    fields: dict[str, object] = field(default_factory=dict)


class Parser:
    """Pass 2: reads the units in order with a current section (see the package's
    docstring) and chooses the date, place and title at the end."""

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
        self.deadlines: list[Deadline] = []
        self.not_attendees: list[str] = []  # lines of the attendees section that are not
        # Opening sentences that named only a city or only a venue, by unit.
        self.cities: dict[int, str] = {}
        self.venues: dict[int, str] = {}
        # Decisions written as sentences outside an agreements section, and paragraphs
        # that announce the next meeting outside its section.
        self.stated: list[tuple[Unit, ParsedAgreement]] = []
        self.announced: list[Unit] = []
        self.table_columns: list[str] | None = None  # of a table of agreements

    # -- entry point

    def run(self) -> ParsedMinutes:
        for unit in read_units(self.text):
            self.unit(unit)
        self.attendance()
        self.presenters()
        self.finish()
        result = self.result
        result.notes = [text for _order, text in sorted(self.notes, key=lambda n: n[0])]
        # One warning per field missed, first; then the others, each said once.
        missed = [str(MISSED[name]) for name in result.missed()]
        if not result.attendees and result.attendee_count:
            missed.append(
                _("The minutes give the number of attendees (%(count)s) but not their names.")
                % {"count": result.attendee_count}
            )
        warnings = missed + self.warnings + self.attendee_warnings()
        result.warnings = list(dict.fromkeys(warnings))
        return result

    def note(self, unit: Unit, text: str | None = None) -> None:
        self.notes.append((unit.index, text if text is not None else unit.text))

    def claim(self, unit: Unit, used: list[str], **fields: object) -> None:
        """Record that ``unit`` gave ``fields``; ``used`` are the texts it gave."""
        used_words = {word for text in used for word in words(text)}
        leftover = any(
            word not in used_words and word not in BOILERPLATE for word in words(unit.text)
        )
        self.claims.append(_Claim(unit=unit, leftover=leftover, fields=fields))

    def consume(self, unit: Unit, used: list[str]) -> None:
        """``unit`` gave what it had to a field; the notes keep it when words remain."""
        self.claim(unit, used)

    # -- units

    def unit(self, unit: Unit) -> None:
        if unit.closes:  # an item after the agenda: the agenda is over
            self.section = NOTES
        if unit.kind == "heading":
            self.section = unit.section
            if unit.generic:  # a heading of the minutes' own: its words are in no field
                self.note(unit)
            if unit.rest:
                self.unit(Unit(unit.index, "para", [unit.rest]))
            return
        text = unit.text
        if unit.kind == "closing":
            self.section = CLOSING
            self.note(unit)
            return
        if unit.kind == "presenter" or (unit.kind == "field" and self.section != AGREEMENTS):
            presenter = read_presenter(text, in_section=self.section == PRESENTATIONS)
            if presenter is not None:
                self.presentation(unit, presenter)
                return
        if unit.kind == "intro":
            self.section = unit.section
            self.consume(unit, [])
            return
        if unit.kind == "field" and self.field(unit):
            return
        # A date line, or a paragraph opening with "ACTA …" (the minutes' own heading, even
        # below a call to the next meeting's agenda), is read as the preamble.
        titled = unit.kind == "para" and unit.marker is None and TITLE_LINE.match(text)
        if (unit.kind in ("dateline", "titleline") or titled) and self.section not in (
            AGREEMENTS,
            NEXT_MEETING,
        ):
            self.preamble(unit)
            return
        self.in_section(unit)

    def in_section(self, unit: Unit) -> None:
        section = self.section
        text = unit.text
        if self.stated_elsewhere(unit):
            return
        if section in (AGENDA, INTERVENTIONS, AGREEMENTS, PRESENTATIONS):
            marked = self.marked.setdefault(section, unit.marker is not None)
            if marked and unit.marker is None:
                self.note(unit)
                return
        if section is None:
            self.preamble(unit)
        elif section in (ATTENDEES, ABSENTEES):
            self.place_among_attendees(unit)
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

    def presentation(self, unit: Unit, presenter: Presenter) -> None:
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

    def field(self, unit: Unit) -> bool:
        """A "Label: value" line; False when the label means nothing here."""
        text = unit.text
        match = FIELD.match(text)
        if match is None:
            return False
        label = fold(match["label"])
        value = text[match.end() :].strip()
        if label.startswith(("responsable", "encargad", "plazo", "fecha limite", "fecha de ent")):
            if self.section == AGREEMENTS and self.result.agreements:
                agreement_fields(
                    self.result.agreements[-1],
                    text,
                    deadlines=self.deadlines,
                    warnings=self.warnings,
                )
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
            self.candidates["date"].append(_Candidate(FIELD_DATE, unit.index, first))
            dated = date_line(value)
            rest = (value[: first.start] + " " + value[first.end :]).strip(" ,.;-–—")
            if dated is not None and dated[1]:
                rest = dated[1]
            if label in ("lugar y fecha", "fecha y lugar") and rest:
                self.candidates["place"].append(_Candidate(0, unit.index, rest))
                fields["place"] = rest
                used.append(rest)
            self.claim(unit, used, **fields)
            return True
        if value and (label.startswith("lugar") or label in PLACE_LABELS):
            place = value[:-1] if value.endswith(".") else value
            self.candidates["place"].append(_Candidate(0, unit.index, place))
            self.claim(unit, [place], place=place)
            return True
        # "Modalidad: virtual", "Plataforma: Zoom": where an online meeting was held (a
        # "Modalidad: presencial" says nothing of where).
        if value and label in ("modalidad", "plataforma"):
            online = places.online_in_sentence(f"modalidad {value}") or (
                value if label == "plataforma" else None
            )
            if online:
                place = online[0].upper() + online[1:]
                self.candidates["place"].append(_Candidate(1, unit.index, place))
                self.claim(unit, [value], place=place)
                return True
        return False

    def preamble(self, unit: Unit) -> None:
        """A paragraph before the first section, or a date or title line anywhere."""
        text = unit.text
        fields: dict[str, object] = {}
        used: list[str] = []
        line = date_line(text)
        if line is not None:
            found, place = line
            self.candidates["date"].append(_Candidate(DATE_LINE, unit.index, found))
            fields["date"] = found
            used.append(text[found.start : found.end])
            if place:
                self.candidates["place"].append(_Candidate(1, unit.index, place))
                fields["place"] = place
                used.append(place)
        # The place and date said in passing are looked for in the opening only (a long
        # text of paragraphs costs no more per paragraph, and a late paragraph's place is
        # rarely the meeting's).
        opening = unit.index < OPENING_UNITS
        if "place" not in fields and opening:
            self.passing_place(unit, fields, used)
        if unit.kind == "titleline" or (
            self.section is None and unit.marker is None and TITLE_LINE.match(text)
        ):
            title = text.rstrip(":")
            used.append(title)
            # "ACTA", "MINUTA DE REUNIÓN": the kind of document, not a title.
            if any(word not in BOILERPLATE for word in words(title)):
                self.candidates["title"].append(_Candidate(1, unit.index, title))
                fields["title"] = title
            if line is None:
                self.first_date(unit, DATE_LINE, fields)
        elif self.section is None and unit.marker is None:
            quoted = quoted_title(unit.parts)
            if quoted is not None:
                title, colon = quoted
                self.candidates["title"].append(_Candidate(0, unit.index, title))
                fields["title"] = title
                used.append(title)
                if colon:
                    fields["title_colon"] = title
            if line is None and opening:
                first = self.first_date(unit, PASSING_DATE, fields)
                if first is not None:
                    used.append(text[first.start : first.end])
        if not used:
            self.note(unit)
            return
        self.claim(unit, used, **fields)

    def first_date(
        self, unit: Unit, priority: int, fields: dict[str, object]
    ) -> dates.DateMatch | None:
        """The date of ``unit`` that is a candidate for the meeting's date, of ``priority``:
        the first one said to be the meeting's ("se reunieron el…", "sesión celebrada el…":
        :data:`HELD_DATE`), else the first one not said to be another meeting's or
        document's (the next meeting, earlier minutes, a law)."""
        found_dates = [
            (found, dates.date_role(unit.text, found)) for found in dates.find_dates(unit.text)
        ]
        held = [found for found, role in found_dates if role == dates.HELD]
        passing = [found for found, role in found_dates if role == dates.PASSING]
        if held:
            chosen, priority = held[0], HELD_DATE
        elif passing:
            chosen = passing[0]
        else:
            return None
        self.candidates["date"].append(_Candidate(priority, unit.index, chosen))
        fields["date"] = chosen
        return chosen

    def date_across_lines(self) -> None:
        """When no paragraph gave a date: a date said to be the meeting's in the opening lines
        read as one text, for a date that layout broke over units ("…DE DOS MIL ⏎ DOCE")."""
        if self.candidates["date"]:
            return
        lines = self.text[:OPENING_CHARS].splitlines()[:OPENING_LINES]
        opening = " ".join(line.strip() for line in lines)
        for found in dates.find_dates(opening):
            if dates.date_role(opening, found) == dates.HELD:
                self.candidates["date"].append(_Candidate(PASSING_DATE, -1, found))
                return

    def place_with_venue(self, chosen: object) -> str | None:
        """The place chosen; a city named alone is joined to a venue named in one of the
        next few paragraphs ("En la Villa de X a … ⏎ …se reunieron en la Casa Consistorial"),
        as layout breaks one opening sentence over several."""
        if not isinstance(chosen, str):
            return None
        for order, city in self.cities.items():
            if city != chosen:
                continue
            for later, venue in self.venues.items():
                if 0 < later - order <= VENUE_REACH:
                    return places.join_place(venue, city)
        return chosen

    def place_among_attendees(self, unit: Unit) -> None:
        """The opening sentence often follows the list of members ("En la Villa de X, siendo
        las…, se reunieron en el Salón de Sesiones…"): its place is a candidate too (the
        sentence itself stays with the attendees or the notes)."""
        if unit.marker is not None:
            return
        venue, city = places.place_parts(unit.text)
        if place := places.join_place(venue, city):
            self.candidates["place"].append(_Candidate(2, unit.index, place))
            if city and not venue:
                self.cities[unit.index] = city
            elif venue and not city:
                self.venues[unit.index] = venue

    def passing_place(self, unit: Unit, fields: dict[str, object], used: list[str]) -> None:
        """A place named in passing: in an opening sentence, or a known place in brackets
        (after the "Lugar:" line and the date line, which come first)."""
        venue, city = places.place_parts(unit.text)
        if city and not venue:
            self.cities[unit.index] = city
        elif venue and not city:
            self.venues[unit.index] = venue
        for priority, place in (
            (2, places.join_place(venue, city)),
            (3, places.place_in_brackets(unit.text)),
        ):
            if place:
                self.candidates["place"].append(_Candidate(priority, unit.index, place))
                fields["place"] = place
                used.append(place)
                return
        # The council's own town, named in the opening units: the last resort.
        if unit.index < JURISDICTION_UNITS and (town := places.jurisdiction(unit.text)):
            self.candidates["place"].append(_Candidate(5, unit.index, town))
        # Held online: said in passing, often inside a title or a sentence that says more;
        # the unit is not claimed for it (it stays where it goes).
        if online := places.online_in_sentence(unit.text):
            self.candidates["place"].append(_Candidate(4, unit.index, online))

    def attendees(self, unit: Unit) -> None:
        if self.section == ABSENTEES:  # "MIEMBROS NO ASISTENTES:": never attendees
            self.note(unit)
            return
        parts = split_attendees(unit.text)
        parsed = [listed(part, parse_attendee(part)) for part in parts]
        if parts and all(
            attendee is not None and not not_a_name(attendee.name) for attendee in parsed
        ):
            self.result.attendees.extend(a for a in parsed if a is not None)
            return
        self.note(unit)
        self.not_attendees.append(unit.text)

    def attendee_warnings(self) -> list[str]:
        """What the attendees section held that is no attendee: each line said when there
        are one or two, else one summary (a list of 40 roles and remarks is one warning)."""
        lines = self.not_attendees
        if len(lines) > NOISY:
            return [
                _(
                    "%(count)s lines of the attendees section do not look like attendees "
                    "(the first: “%(line)s”); they were kept in the notes."
                )
                % {"count": len(lines), "line": short(lines[0])}
            ]
        return [
            _(
                "“%(line)s” does not look like an attendee (“Name (Organization)” or "
                "“Name – Organization”); it was kept in the notes."
            )
            % {"line": short(line)}
            for line in lines
        ]

    def attendance(self) -> None:
        """Attendance stated outside an attendees section (:mod:`.attendance`): the names
        the section did not give are added after its own, and the count when no name is
        found; the lines stay where the units put them (the notes)."""
        found = read_attendance(self.text)
        kept = []
        for attendee in self.result.attendees:
            # A party line or an absentee the section took as a name goes to the notes.
            if fold(attendee.name) in found.not_names or any(
                same_person(attendee.name, name) for name in found.absent
            ):
                organization = f" ({attendee.organization})" if attendee.organization else ""
                self.notes.append((len(self.text), attendee.name + organization))
            else:
                kept.append(attendee)
        self.result.attendees = kept
        known = [a.name for a in self.result.attendees]
        known += [cleaned.name for cleaned in map(read_name, known) if cleaned is not None]
        for attendee in found.attendees:
            if not any(same_person(attendee.name, name) for name in known):
                self.result.attendees.append(attendee)
                known.append(attendee.name)
        if not self.result.attendees and found.count:
            self.result.attendee_count = found.count

    def presenters(self) -> None:
        """People said in a sentence to present something (:func:`.attendance.read_presenters`)
        whom no presenter line gave: a presentation each, with no points (the sentence stays
        where the units put it)."""
        known = [p.presenter for p in self.result.presentations if p.presenter]
        for name in read_presenters(self.text):
            if not any(same_person(name, other) for other in known):
                self.result.presentations.append(ParsedPresentation(presenter=name))
                known.append(name)

    def stated_elsewhere(self, unit: Unit) -> bool:
        """A decision written as a sentence ("se aprueba por unanimidad…") or a paragraph
        announcing the next meeting, outside their sections (not an agenda's item)."""
        if self.section in (AGREEMENTS, NEXT_MEETING) or (
            self.section == AGENDA and unit.marker is not None
        ):
            return False
        if is_decision(unit.text):
            self.agreement(unit)
            self.stated.append((unit, self.result.agreements[-1]))
            return True
        if announces_next(unit.text):
            self.announced.append(unit)
            return True
        return False

    def agreement(self, unit: Unit) -> None:
        text = unit.text
        cells = table_cells(text)
        if cells is not None:  # a row of a table of agreements
            columns = table_header(cells)
            if columns is not None:
                self.table_columns = columns
                self.note(unit)
                return
            text = table_agreement(cells, self.table_columns)
        agreement = ParsedAgreement(text="")
        agreement_fields(agreement, text, deadlines=self.deadlines, warnings=self.warnings)
        self.result.agreements.append(agreement)
        if self.next_from_agreement is None and NEXT_PHRASE.search(unit.text):
            self.next_from_agreement = unit.text

    # -- the end

    def finish(self) -> None:
        self.date_across_lines()
        meeting_date = self.choose_date()
        chosen: dict[str, object] = {"date": meeting_date}
        for name in ("place", "title"):
            candidates = self.candidates[name]
            value = (
                min(candidates, key=lambda c: (c.priority, c.order)).value if candidates else None
            )
            chosen[name] = value
        self.result.place = self.place_with_venue(chosen["place"])
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
                            % {"title": short(str(value), 120)}
                        )
                else:
                    lost = lost or value != chosen[name]
            if claim.leftover or lost:
                self.note(claim.unit)
        self.result.date = meeting_date
        self.repeated_agreements()
        for agreement, pending, value in self.deadlines:
            agreement.due = resolve_after(
                pending,
                meeting_date,
                year=self.year,
                today=self.today,
                what=value,
                warnings=self.warnings,
            )
        self.next_meeting(meeting_date)

    def resolve_meeting(self, value: object) -> dt.date | None:
        if not isinstance(value, dates.DateMatch):
            return None
        return value.resolve(self.year or self.today.year)

    def choose_date(self) -> dt.date | None:
        # Of equal rank, a date with its year wins over one without ("Acta 04 de Marzo" above
        # "04-03-2024").
        candidates = sorted(
            self.candidates["date"],
            key=lambda c: (c.priority, getattr(c.value, "year", None) is None, c.order),
        )
        for candidate in candidates:
            match = candidate.value
            assert isinstance(match, dates.DateMatch)  # noqa: S101 -- candidates are dates
            resolved = self.resolve_meeting(match)
            if resolved is None:
                self.warnings.append(
                    _("“%(date)s” is not a valid date.")
                    % {"date": short(self.date_text(candidate))}
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

    def repeated_agreements(self) -> None:
        """A decision stated in the text and summarized under "Acuerdos" counts once: the
        summary stays, the sentence goes back to the notes."""
        stated = {id(agreement) for _unit, agreement in self.stated}
        listed = [a for a in self.result.agreements if id(a) not in stated]
        if not listed:
            return
        for unit, agreement in self.stated:
            if any(same_agreement(agreement.text, other.text) for other in listed):
                self.result.agreements = [a for a in self.result.agreements if a is not agreement]
                self.note(unit)

    def next_meeting(self, meeting_date: dt.date | None) -> None:
        text = clean(" ".join(self.next_parts)) or self.next_from_agreement
        # Else the first paragraph that says when, or the first that names it; the others
        # are notes.
        chosen = None
        if not text and self.announced:
            chosen = next((u for u in self.announced if dated(u.text)), self.announced[0])
            text = chosen.text
        for unit in self.announced:
            if unit is not chosen:
                self.note(unit)
        if not text:
            return
        self.result.next_meeting = read_next_meeting(
            text, meeting_date, year=self.year, today=self.today, warnings=self.warnings
        )
