"""What meetings and minutes feed to the search index (``minka.search``).

- A meeting: its title; its place, description and agenda (items' titles and descriptions);
  the meeting's visibility, whatever its status (a cancelled meeting stays findable and its
  result says so). Never its online link, invitees or attendance.
- Minutes: the meeting's title, and the text of the current revision, one section after the
  other in :data:`SECTIONS` order, separated by form feeds: the "page" of a hit is then the
  section it matched (:func:`section_label`). Their visibility follows the cycle, as
  :func:`minka.meetings.permissions.can_view_minutes` does: a draft is for coordinators;
  minutes in review or approved for members (the meeting's attendees who are not members
  may read them, but the index cannot say "attendees": they do not find them); published
  minutes for whoever may see both their visibility and the meeting's.

Services keep the index in step inside their transaction: meetings and their agenda in
``minka.meetings.services.meetings``, minutes at every revision and change of state in
``minka.meetings.minutes.services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.core.visibility import Visibility
from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.models import Minutes, Section

if TYPE_CHECKING:
    from minka.meetings.models import Meeting

# The sections of minutes in the order their texts are indexed (page 1 is the summary).
SECTIONS = list(Section)
# From the most open to the most restricted.
_STRICTNESS = [Visibility.PUBLIC, Visibility.MEMBERS, Visibility.COORDINATORS]


def stricter(*visibilities: str) -> str:
    """The most restricted of ``visibilities``: who may see it may see all of them."""
    return max(visibilities, key=lambda value: _STRICTNESS.index(Visibility(value)))


def _lines(*texts: str) -> str:
    return "\n".join(text for text in texts if text and text.strip())


def _meeting_body(meeting: Meeting) -> str:
    items = meeting.agenda_items.order_by("position", "pk").values_list("title", "description")
    return _lines(meeting.place, meeting.description, *(_lines(*item) for item in items))


def _meeting_facets(meeting: Meeting) -> dict[str, list[str]]:
    return {
        "year": [str(timezone.localtime(meeting.starts_at).year)],
        "organization": [organization.slug for organization in meeting.organizations.all()],
    }


def section_texts(content: MinutesContent) -> dict[str, str]:
    """The searchable text of each section: what readers see, without the linked
    documents' identifiers (the documents have their own entries)."""
    return {
        Section.SUMMARY: content.summary,
        Section.PRESENTATIONS: "\n\n".join(
            _lines(p.title, p.presenter, p.organization, p.points) for p in content.presentations
        ),
        Section.INTERVENTIONS: "\n\n".join(
            _lines(i.topic, i.speaker, i.text) for i in content.interventions
        ),
        Section.AGREEMENTS: "\n\n".join(_lines(a.text, a.responsible) for a in content.agreements),
        Section.NEXT_MEETING: content.next_meeting.text,
        Section.NOTES: content.notes,
    }


def _minutes_body(minutes: Minutes) -> str:
    revision = minutes.current_revision
    content = MinutesContent.from_json(revision.content if revision is not None else None)
    texts = section_texts(content)
    # Empty sections keep their place, so that page n is always the n-th section.
    return "\f".join(texts[section] for section in SECTIONS)


def minutes_visibility(minutes: Minutes) -> str:
    """Who may find ``minutes``, in the index's vocabulary (see the module's docstring)."""
    meeting_visibility = minutes.meeting.visibility
    if minutes.status == Minutes.Status.DRAFT:
        return Visibility.COORDINATORS
    if minutes.status == Minutes.Status.PUBLISHED:
        return stricter(minutes.visibility, meeting_visibility)
    return stricter(Visibility.MEMBERS, meeting_visibility)


def section_label(page: int | None) -> str:
    """The name of the section a minutes hit's ``page`` points at ("" if none)."""
    if page is None or not 1 <= page <= len(SECTIONS):
        return ""
    return str(SECTIONS[page - 1].label)


def index_meeting(meeting: Meeting) -> None:
    """Index ``meeting`` and its minutes, if any (their title and visibility follow the
    meeting's). Call it inside the transaction that changed the meeting."""
    search.index_object(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("current_revision").first()
    if minutes is not None:
        minutes.meeting = meeting
        search.index_object(minutes)


def register() -> None:
    from minka.meetings import permissions
    from minka.meetings.models import Meeting

    search.register(
        Meeting,
        title=lambda meeting: meeting.title,
        body=_meeting_body,
        visibility=lambda meeting: meeting.visibility,
        facets=_meeting_facets,
        type_name=lambda: _("Meeting"),
        visible_to=lambda user: Meeting.objects.visible_to(user),
    )
    search.register(
        Minutes,
        title=lambda minutes: minutes.meeting.title,
        body=_minutes_body,
        visibility=minutes_visibility,
        facets=lambda minutes: _meeting_facets(minutes.meeting),
        type_name=lambda: _("Minutes"),
        visible_to=permissions.minutes_visible_to,
    )
