"""Services: meetings, their agenda, and "Programar la próxima reunión".

Every function checks that the actor may manage meetings (``PermissionDenied`` otherwise),
validates with ``ValidationError`` (clear messages, nothing saved), writes the audit log in
the same transaction, and tells of a new meeting, of a change of date, place or link and of a
cancellation through the outbox, in the same transaction
(:mod:`minka.meetings.notifications`: members who may see the meeting, followers of its
series, and its invitees with the calendar update).

Times: forms give a date and a time in the site's time zone (America/Lima, no daylight
saving); Django stores them in UTC. Cadence arithmetic is done on local wall-clock time.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 (MeetingData annotations)
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_changes, audit_record, model_snapshot
from minka.documents import services as document_services
from minka.documents.models import Document, Kind
from minka.meetings import hooks, notifications, permissions
from minka.meetings.models import AgendaItem, Meeting, Series
from minka.meetings.search_index import index_meeting
from minka.meetings.services.cadence import add_months as add_months
from minka.meetings.services.cadence import cadence_after as cadence_after
from minka.meetings.services.cadence import cadence_next as cadence_next
from minka.meetings.services.cadence import next_meeting_start as next_meeting_start

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from minka.accounts.models import User
    from minka.directory.models import Organization, Person
    from minka.documents.services import CheckedFile, DocumentData, UploadOutcome

MEETING_FIELDS = (
    "series",
    "number",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "modality",
    "place",
    "online_url",
    "visibility",
    "allow_public_rsvp",
)
# A change to any of these reaches the invitees' calendars (new SEQUENCE, a notice).
CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "modality", "online_url")
AGENDA_FIELDS = (
    "title",
    "description",
    "presenter",
    "presenter_text",
    "presenter_organization",
    "duration_minutes",
    "kind",
)


class MeetingData(TypedDict, total=False):
    """What :func:`meeting_create` and :func:`meeting_update` take (the meeting form)."""

    series: Series | None
    number: int | None
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    modality: str
    place: str
    online_url: str
    visibility: str
    allow_public_rsvp: bool
    organizations: Iterable[Organization]


class AgendaItemData(TypedDict, total=False):
    """What :func:`agenda_item_create` and :func:`agenda_item_update` take (the agenda form)."""

    title: str
    description: str
    presenter: Person | None
    presenter_text: str
    presenter_organization: Organization | None
    duration_minutes: int | None
    kind: str  # AgendaItem.Kind: "proposal" for an accepted agenda proposal


class AgendaUploadData(TypedDict, total=False):
    """What :func:`agenda_item_upload` takes besides the files (one file's title, a license)."""

    title: str
    license: str


def _require_editable(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; it can no longer be changed."))


# --- Meetings -------------------------------------------------------------------------


def _validate_meeting(meeting: Meeting) -> None:
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        raise ValidationError(_("The meeting must end after it starts."))
    if meeting.series_id is not None and meeting.number is not None:
        taken = Meeting.objects.filter(series_id=meeting.series_id, number=meeting.number)
        if taken.exclude(pk=meeting.pk).exists():
            raise ValidationError(
                _("Meeting number %(number)s already exists in this series.")
                % {"number": meeting.number}
            )
    meeting.full_clean(exclude=["previous", "created_by"])


def _next_number(series_id: int | None) -> int | None:
    if series_id is None:
        return None
    top = Meeting.objects.filter(series_id=series_id).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


@transaction.atomic
def meeting_create(*, actor: User, data: MeetingData) -> Meeting:
    """Schedule a meeting. ``data`` holds :data:`MEETING_FIELDS` and ``organizations``;
    without a number, a meeting of a series takes the series' next number. Those who may
    see it are told (``meetings.scheduled``), unless it is already over."""
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting(**{k: v for k, v in data.items() if k in MEETING_FIELDS}, created_by=actor)
    if meeting.number is None:
        meeting.number = _next_number(meeting.series_id)
    _validate_meeting(meeting)
    meeting.save()
    meeting.organizations.set(data.get("organizations") or [])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=meeting)
    search.index_object(meeting)
    notifications.meeting_scheduled(meeting=meeting, actor=actor)
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, data: MeetingData) -> Meeting:
    """Change a meeting that is not cancelled. When a planned meeting's date, place,
    modality or link changes, its calendar sequence goes up and everyone concerned is told
    (``meetings.changed``; invitees with the calendar update)."""
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    before = model_snapshot(meeting)
    for name, value in data.items():
        if name in MEETING_FIELDS:
            setattr(meeting, name, value)
    _validate_meeting(meeting)
    moved = meeting.status == Meeting.Status.PLANNED and any(
        before[name] != getattr(meeting, name)  # plain fields: attname is the name
        for name in CALENDAR_FIELDS
    )
    if moved:
        meeting.ical_sequence += 1
    meeting.save()
    if "organizations" in data:
        meeting.organizations.set(data["organizations"] or [])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=meeting,
        changes=audit_changes(before, model_snapshot(meeting)),
    )
    index_meeting(meeting)  # The minutes take the meeting's title and visibility.
    if moved:
        notifications.meeting_changed(meeting=meeting, actor=actor)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting) -> Meeting:
    """Cancel a planned meeting; everyone concerned is told (``meetings.cancelled``),
    invitees with the calendar's CANCEL."""
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("This meeting was already held; it cannot be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.ical_sequence += 1
    meeting.save(update_fields=["status", "ical_sequence", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=meeting,
        changes={"status": [Meeting.Status.PLANNED, Meeting.Status.CANCELLED]},
    )
    search.index_object(meeting)  # Still findable, shown as cancelled.
    notifications.meeting_cancelled(meeting=meeting, actor=actor)
    return meeting


@transaction.atomic
def meeting_mark_held(*, actor: User, meeting: Meeting) -> Meeting:
    """Record that a planned meeting took place (once it has started)."""
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("This meeting is already marked as held."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("A meeting can be marked as held only once it has started."))
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=meeting,
        changes={"status": [Meeting.Status.PLANNED, Meeting.Status.HELD]},
    )
    return meeting


def check_schedulable_next(meeting: Meeting) -> None:
    """Raise ``ValidationError`` unless ``meeting`` may get a next meeting: it was held
    (or is over) and was not cancelled. (Whether one already follows is checked apart.)"""
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting has no next meeting to schedule."))
    if meeting.status != Meeting.Status.HELD and not meeting.is_over:
        raise ValidationError(_("The next meeting can be scheduled once this one has been held."))


def _add_items(meeting: Meeting, drafts: Sequence[hooks.AgendaItemDraft]) -> None:
    position = (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1
    for offset, draft in enumerate(drafts):
        item = AgendaItem(
            meeting=meeting,
            position=position + offset,
            title=draft.title[:300],
            description=draft.description[:4000],
            kind=draft.kind,
            duration_minutes=draft.duration_minutes,
        )
        item.full_clean()
        item.save()


@transaction.atomic
def meeting_schedule_next(
    *,
    actor: User,
    meeting: Meeting,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Meeting:
    """Create the meeting that follows ``meeting`` (held, or over and not cancelled).

    It belongs to the same series with the next number and keeps the place, modality,
    link, visibility and convening organizations. It starts at ``starts_at``, by default
    :func:`next_meeting_start`, and lasts as long as ``meeting`` unless ``ends_at`` is
    given. The providers registered in :mod:`minka.meetings.hooks` add its first agenda
    items. A meeting already followed by another is refused: the caller links to that one.
    """
    require(permissions.can_manage_meetings(actor))
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("series").get(pk=meeting.pk)
    )
    check_schedulable_next(meeting)
    if meeting.following.exists():
        raise ValidationError(_("The next meeting has already been scheduled."))
    start = starts_at or next_meeting_start(meeting)
    number = None
    if meeting.series_id is not None:
        number = (meeting.number or 0) + 1
        if Meeting.objects.filter(series_id=meeting.series_id, number=number).exists():
            number = _next_number(meeting.series_id)
    if meeting.series is not None and number is not None:
        title = _("%(series)s: meeting %(number)s") % {
            "series": meeting.series.title,
            "number": number,
        }
    else:
        title = meeting.title
    following = Meeting(
        series=meeting.series,
        number=number,
        title=title[:300],
        starts_at=start,
        ends_at=ends_at or start + (meeting.ends_at - meeting.starts_at),
        modality=meeting.modality,
        place=meeting.place,
        online_url=meeting.online_url,
        visibility=meeting.visibility,
        allow_public_rsvp=meeting.allow_public_rsvp,
        previous=meeting,
        created_by=actor,
        is_demo=meeting.is_demo,
    )
    _validate_meeting(following)
    following.save()
    following.organizations.set(meeting.organizations.all())
    _add_items(following, hooks.next_meeting_items(meeting))
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        target=following,
        changes={"previous": [None, str(meeting.public_id)]},
    )
    search.index_object(following)
    notifications.meeting_scheduled(meeting=following, actor=actor)
    return following


# --- Agenda ---------------------------------------------------------------------------


def _validate_item(item: AgendaItem) -> None:
    if item.duration_minutes is not None and not 1 <= item.duration_minutes <= 1440:
        raise ValidationError(_("The duration must be between 1 and 1440 minutes."))
    item.full_clean(exclude=["meeting", "position"])


@transaction.atomic
def agenda_item_create(*, actor: User, meeting: Meeting, data: AgendaItemData) -> AgendaItem:
    """Append an item to the agenda of a meeting that is not cancelled."""
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    position = (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1
    item = AgendaItem(
        meeting=meeting,
        position=position,
        **{k: v for k, v in data.items() if k in AGENDA_FIELDS},
    )
    _validate_item(item)
    item.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=item)
    search.index_object(meeting)
    return item


@transaction.atomic
def agenda_item_update(*, actor: User, item: AgendaItem, data: AgendaItemData) -> AgendaItem:
    """Change an agenda item's title, description, presenter or duration."""
    require(permissions.can_manage_meetings(actor))
    _require_editable(item.meeting)
    before = model_snapshot(item)
    for name, value in data.items():
        if name in AGENDA_FIELDS:
            setattr(item, name, value)
    _validate_item(item)
    item.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=item,
        changes=audit_changes(before, model_snapshot(item)),
    )
    search.index_object(item.meeting)
    return item


def _renumber(items: list[AgendaItem]) -> None:
    """Give ``items`` positions 1…n in list order, touching only those that move. Moving
    through free positions first keeps the (meeting, position) constraint true at every
    step, on SQLite and PostgreSQL alike."""
    moving = [(item, n) for n, item in enumerate(items, start=1) if item.position != n]
    if not moving:
        return
    spare = max([item.position for item in items] + [len(items)]) + 1
    for offset, (item, _n) in enumerate(moving):
        AgendaItem.objects.filter(pk=item.pk).update(position=spare + offset)
    for item, n in moving:
        AgendaItem.objects.filter(pk=item.pk).update(position=n)
        item.position = n


def _locked_agenda(meeting: Meeting) -> list[AgendaItem]:
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))


@transaction.atomic
def agenda_item_delete(*, actor: User, item: AgendaItem) -> None:
    """Remove an item (its documents stay in the repository); the others close ranks."""
    require(permissions.can_manage_meetings(actor))
    _require_editable(item.meeting)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, target=item)
    meeting = item.meeting
    item.delete()
    _renumber(_locked_agenda(meeting))
    search.index_object(meeting)


@transaction.atomic
def agenda_item_move(*, actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item one place ``up`` or ``down``; at either end nothing changes."""
    require(permissions.can_manage_meetings(actor))
    _require_editable(item.meeting)
    if direction not in {"up", "down"}:
        raise ValidationError(_("Choose whether to move the item up or down."))
    items = _locked_agenda(item.meeting)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _renumber(items)
    item.position = next(other.position for other in items if other.pk == item.pk)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=item,
        changes={"position": [index + 1, item.position]},
    )
    search.index_object(item.meeting)  # The agenda is indexed in its order.
    return item


@transaction.atomic
def agenda_item_upload(
    *, actor: User, item: AgendaItem, files: list[CheckedFile], data: AgendaUploadData
) -> UploadOutcome:
    """Add checked files to the repository as presentations with the meeting's visibility
    (through :func:`minka.documents.services.document_upload`) and link them to ``item``;
    a file already in the repository is linked instead of stored twice. ``data`` may
    give a ``title`` (one file) and a ``license``."""
    require(permissions.can_manage_meetings(actor))
    _require_editable(item.meeting)
    meeting = item.meeting
    metadata: DocumentData = {
        "kind": Kind.PRESENTATION,
        "visibility": meeting.visibility,
        "language": "es",
        "description": _("Presented at “%(meeting)s”.") % {"meeting": meeting.title},
    }
    if title := data.get("title"):
        metadata["title"] = title
    if license_ := data.get("license"):
        metadata["license"] = license_
    if item.presenter_organization_id is not None:
        metadata["organizations"] = [item.presenter_organization_id]
    if item.presenter_id is not None:
        metadata["people"] = [item.presenter_id]
    outcome = document_services.document_upload(actor=actor, files=files, data=metadata)
    linked = outcome.created + [document for _name, document in outcome.duplicates]
    item.documents.add(*linked)
    if linked:
        notifications.agenda_documents_added(actor=actor, meeting=meeting, documents=linked)
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            target=item,
            changes={"documents": [None, [str(d.public_id) for d in linked]]},
        )
    return outcome


@transaction.atomic
def agenda_item_link_documents(
    *, actor: User, item: AgendaItem, documents: Iterable[Document]
) -> list[Document]:
    """Link existing documents of the repository to ``item``; each must be one the actor
    may see (checked here again, whatever the form offered). Those already linked are
    skipped; refused when none is new. Returns the documents newly linked."""
    require(permissions.can_manage_meetings(actor))
    _require_editable(item.meeting)
    wanted = {document.pk for document in documents}
    visible = list(Document.objects.visible_to(actor).filter(pk__in=wanted).order_by("title"))
    if not wanted or len(visible) != len(wanted):
        raise ValidationError(_("Choose documents of the repository that you can see."))
    linked = set(item.documents.filter(pk__in=wanted).values_list("pk", flat=True))
    new = [document for document in visible if document.pk not in linked]
    if not new:
        raise ValidationError(_("These documents are already linked to the agenda item."))
    item.documents.add(*new)
    notifications.agenda_documents_added(actor=actor, meeting=item.meeting, documents=new)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=item,
        changes={"documents": [None, [str(d.public_id) for d in new]]},
    )
    return new
