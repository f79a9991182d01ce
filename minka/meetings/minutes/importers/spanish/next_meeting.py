"""The next meeting: from the text of a "Próxima reunión" section, or of the first agreement
that names it ("La próxima reunión será el 18 de mayo"), a date (see
:func:`.agreements.resolve_after`) and a time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from minka.meetings.minutes.importers.parsed import ParsedNextMeeting
from minka.meetings.minutes.importers.spanish import dates
from minka.meetings.minutes.importers.spanish.agreements import pending_date, resolve_after
from minka.meetings.minutes.importers.spanish.text import short

if TYPE_CHECKING:
    import datetime as dt

# An agreement that says this also sets the next meeting (unless a section does).
NEXT_PHRASE = re.compile(r"\b(?:pr[oó]xima|siguiente)\s+(?:reuni[oó]n|sesi[oó]n)\b", re.IGNORECASE)


def read_next_meeting(
    text: str,
    meeting_date: dt.date | None,
    *,
    year: int | None,
    today: dt.date,
    warnings: list[str],
) -> ParsedNextMeeting:
    """The next meeting ``text`` describes; what could not be read is said in ``warnings``."""
    pending = pending_date(text)
    when = None
    if pending is None:
        warnings.append(
            _("The date of the next meeting could not be read: “%(text)s”.") % {"text": short(text)}
        )
    else:
        when = resolve_after(
            pending, meeting_date, year=year, today=today, what=text, warnings=warnings
        )
        if pending.relative is not None and meeting_date is None:
            warnings.append(
                _(
                    "The next meeting is set “%(phrase)s” after this one, whose date was "
                    "not found: its date was left empty."
                )
                % {
                    "phrase": text[pending.relative.start : pending.relative.end],
                }
            )
    found_time = dates.find_time(text)
    return ParsedNextMeeting(text=text, date=when, time=found_time.time if found_time else None)
