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

The modules, one concern each (this package's ``__init__`` is the interface):
:mod:`.text` white space, words and capitals; :mod:`.numbers` and :mod:`.dates` numbers,
dates, times and relative phrases as minutes write them; :mod:`.places` a place named in
passing; :mod:`.lines` pass 1 (units, headings, line kinds, section names, introductions
and closings, boilerplate words, date lines and quoted titles); :mod:`.people` names,
courtesy titles, organizations, presenters and attendees; :mod:`.agreements` an agreement's
fields and the dates resolved after the meeting's; :mod:`.next_meeting` the next meeting;
:mod:`.parser` pass 2, the :class:`~.parser.Parser` that calls the others.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.translation import gettext as _

from minka.meetings.minutes.importers.parsed import ParsedMinutes
from minka.meetings.minutes.importers.spanish.lines import (
    AGENDA,
    AGREEMENTS,
    ATTENDEES,
    BOILERPLATE,
    CLOSING,
    HEADINGS,
    INTERVENTIONS,
    NEXT_MEETING,
    NOTES,
    PRESENTATIONS,
    heading_key,
)
from minka.meetings.minutes.importers.spanish.parser import Parser
from minka.meetings.minutes.importers.spanish.people import parse_attendee, title_case

__all__ = [
    "AGENDA",
    "AGREEMENTS",
    "ATTENDEES",
    "BOILERPLATE",
    "CLOSING",
    "HEADINGS",
    "INTERVENTIONS",
    "NEXT_MEETING",
    "NOTES",
    "PRESENTATIONS",
    "heading_key",
    "parse_attendee",
    "parse_minutes",
    "title_case",
]

logger = logging.getLogger(__name__)


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
        return Parser(text, year=year, today=today).run()
    except Exception:  # "Never raises" is the contract; the error is logged.
        logger.exception("The minutes parser failed; the text is kept as notes.")
        lines = [" ".join(line.split()) for line in str(text).splitlines()]
        return ParsedMinutes(
            notes=[line for line in lines if line],
            warnings=[
                _("The structure of the minutes could not be read; the text was kept as notes.")
            ],
        )
