"""Extension point: what "Programar la próxima reunión" carries forward into the new agenda.

:func:`minka.meetings.services.meetings.meeting_schedule_next` asks every registered
provider for agenda items to add to the meeting it creates. A provider is a function
``(previous: Meeting) -> list[AgendaItemDraft]``; register it once, at import time (for
example from an app's ``AppConfig.ready``)::

    from minka.meetings.hooks import AgendaItemDraft, register_next_meeting_items

    @register_next_meeting_items
    def accepted_proposals(previous: Meeting) -> list[AgendaItemDraft]:
        return [AgendaItemDraft(title=..., kind=AgendaItem.Kind.PROPOSAL)]

The built-in provider, :func:`follow_up_of_agreements`, adds one "follow-up of agreements"
item listing the agreements recorded in the previous meeting's minutes. The agreements
issue (tracked commitments: only the open ones, with their progress) and the participation
issue (accepted agenda proposals) extend the agenda through this registry instead of
editing the service. Providers run inside the service's transaction, in registration
order; items are appended after each other in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from minka.meetings.minutes.content import MinutesContent
from minka.meetings.minutes.models import Minutes
from minka.meetings.models import AgendaItem

if TYPE_CHECKING:
    from minka.core.types import Actor
    from minka.meetings.models import Meeting


@dataclass(frozen=True)
class AgendaItemDraft:
    """An agenda item a provider proposes for the next meeting."""

    title: str
    description: str = ""
    kind: str = AgendaItem.Kind.REGULAR
    duration_minutes: int | None = None


NextMeetingItemsProvider = Callable[["Meeting"], list[AgendaItemDraft]]

_providers: list[NextMeetingItemsProvider] = []


def register_next_meeting_items(provider: NextMeetingItemsProvider) -> NextMeetingItemsProvider:
    """Register ``provider`` (once; registering it again changes nothing). Usable as a
    decorator: it returns ``provider`` unchanged."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_next_meeting_items(provider: NextMeetingItemsProvider) -> None:
    """Remove ``provider`` (tests, or an issue replacing the built-in provider)."""
    if provider in _providers:
        _providers.remove(provider)


def next_meeting_items(previous: Meeting) -> list[AgendaItemDraft]:
    """Every registered provider's items for the meeting that follows ``previous``."""
    drafts: list[AgendaItemDraft] = []
    for provider in list(_providers):
        drafts.extend(provider(previous))
    return drafts


def _agreements_markdown(previous: Meeting) -> str:
    minutes = Minutes.objects.filter(meeting=previous).select_related("current_revision").first()
    if minutes is None or minutes.current_revision is None:
        return ""
    content = MinutesContent.from_json(minutes.current_revision.content)
    lines = []
    for agreement in content.agreements:
        text = " ".join(agreement.text.split())
        if not text:
            continue
        details = [part for part in (agreement.responsible.strip(), agreement.due_date) if part]
        lines.append(f"- {text}" + (f" ({'; '.join(details)})" if details else ""))
    return "\n".join(lines)[:4000]


def follow_up_of_agreements(previous: Meeting) -> list[AgendaItemDraft]:
    """The built-in provider: one follow-up item listing the previous meeting's agreements
    (from the current revision of its minutes, whatever their status; empty without)."""
    return [
        AgendaItemDraft(
            title=_("Follow-up of agreements"),
            description=_agreements_markdown(previous),
            kind=AgendaItem.Kind.FOLLOW_UP,
        )
    ]


register_next_meeting_items(follow_up_of_agreements)


# --- After approval, and on the meeting's and the minutes' pages ------------------------------
#
# The agreements app turns approved minutes' agreements into tracked commitments and shows
# them where meetings are followed up. Meetings cannot import it (it sits above); it
# registers itself here instead.

MinutesCallback = Callable[["Minutes"], None]
_minutes_approved: list[MinutesCallback] = []


def register_minutes_approved(callback: MinutesCallback) -> MinutesCallback:
    """Call ``callback(minutes)`` inside the transaction that approves minutes or corrects
    approved minutes with an erratum (it must be idempotent: both may happen many times)."""
    if callback not in _minutes_approved:
        _minutes_approved.append(callback)
    return callback


def minutes_approved(minutes: Minutes) -> None:
    """Run every registered callback for ``minutes`` (the minutes services call this)."""
    for callback in list(_minutes_approved):
        callback(minutes)


@dataclass(frozen=True)
class PageSection:
    """A template to include on a meeting's or minutes' page, with its own context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionProvider = Callable[["Actor", "Meeting"], PageSection | None]
_follow_up_sections: list[SectionProvider] = []
MinutesSectionProvider = Callable[["Actor", "Minutes"], PageSection | None]
_minutes_sections: list[MinutesSectionProvider] = []


def register_follow_up_section(provider: SectionProvider) -> SectionProvider:
    """Show ``provider``'s section under the "follow-up of agreements" agenda item of a
    meeting's page (what is pending, live)."""
    if provider not in _follow_up_sections:
        _follow_up_sections.append(provider)
    return provider


def follow_up_sections(user: Actor, meeting: Meeting) -> list[PageSection]:
    sections = (provider(user, meeting) for provider in _follow_up_sections)
    return [section for section in sections if section is not None]


def register_minutes_section(provider: MinutesSectionProvider) -> MinutesSectionProvider:
    """Show ``provider``'s section on the minutes' page (e.g. the commitments born from
    their agreements, what approval will create, and what the coordinator still has to
    assign)."""
    if provider not in _minutes_sections:
        _minutes_sections.append(provider)
    return provider


def minutes_sections(user: Actor, minutes: Minutes) -> list[PageSection]:
    sections = (provider(user, minutes) for provider in _minutes_sections)
    return [section for section in sections if section is not None]


@dataclass(frozen=True)
class AgreementLink:
    """Where an agreement of the minutes is followed (e.g. its commitment), shown next to it."""

    url: str
    label: str


AgreementLinksProvider = Callable[["Actor", "Minutes"], dict[str, AgreementLink]]
_agreement_links: list[AgreementLinksProvider] = []


def register_agreement_links(provider: AgreementLinksProvider) -> AgreementLinksProvider:
    """``provider(user, minutes)`` maps agreement keys to a link shown with each agreement."""
    if provider not in _agreement_links:
        _agreement_links.append(provider)
    return provider


def agreement_links(user: Actor, minutes: Minutes) -> dict[str, AgreementLink]:
    links: dict[str, AgreementLink] = {}
    for provider in _agreement_links:
        links.update(provider(user, minutes))
    return links
