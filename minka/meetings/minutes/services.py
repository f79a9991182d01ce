"""Every change to minutes goes through these functions: writing, the review cycle, errata.

The cycle is draft → review → approved → published; review may go back to draft
(withdrawn). Each write locks the minutes row first (``select_for_update``), checks the
current state, and refuses anything else with a ``ValidationError`` (wrong state, stale
edit, bad input) or ``PermissionDenied`` (wrong role). A save adds a revision only when the
content changed; approved content changes only through an erratum, which needs a reason.
Every new revision and change of state updates the minutes' search entry in the same
transaction (its text and who may find it: :mod:`minka.meetings.search_index`).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_record
from minka.core.visibility import Visibility
from minka.documents.permissions import can_view_document
from minka.meetings import hooks, permissions
from minka.meetings.minutes import notices
from minka.meetings.minutes.content import (
    MAX_ITEMS,
    MAX_LINE,
    MAX_TEXT,
    MinutesContent,
    Presentation,
    new_key,
)
from minka.meetings.minutes.models import Minutes, MinutesRevision, Observation, Section
from minka.meetings.models import AgendaItem, Meeting
from minka.meetings.tasks import render_minutes_pdf

if TYPE_CHECKING:
    from minka.accounts.models import User

MAX_OBSERVATION = 4000
MAX_REASON = 500
PUBLISH_VISIBILITIES = (Visibility.PUBLIC, Visibility.MEMBERS)
_KEY = re.compile(r"^[0-9a-f]{12}$")
CONFLICT = "conflict"


def _lock(minutes: Minutes) -> Minutes:
    """The minutes row, locked until the transaction ends, with fresh values."""
    locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
    locked.meeting = minutes.meeting
    return locked


def current_number(minutes: Minutes) -> int:
    """The number of the current revision (0 before the first one)."""
    if minutes.current_revision_id is None:
        return 0
    revision = minutes.current_revision
    return revision.number if revision is not None else 0


def _current_content(minutes: Minutes) -> MinutesContent:
    revision = minutes.current_revision
    return MinutesContent.from_json(revision.content if revision is not None else None)


def _set_status(minutes: Minutes, actor: User, status: str, **values: Any) -> None:
    old = minutes.status
    minutes.status = status
    for name, value in values.items():
        setattr(minutes, name, value)
    minutes.save(update_fields=["status", *values, "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=minutes,
        changes={"status": [old, status]},
    )
    search.index_object(minutes)
    if status in (Minutes.Status.APPROVED, Minutes.Status.PUBLISHED):
        _prepare_pdf(minutes)
        # The agreements app turns the agreements into commitments (once; see hooks).
        hooks.minutes_approved(minutes)


def _prepare_pdf(minutes: Minutes) -> None:
    """Minutes people will download: render their PDF in the background (see pdf_store)."""
    minutes_id = minutes.pk
    transaction.on_commit(lambda: render_minutes_pdf.enqueue(minutes_id))


def _expect(minutes: Minutes, *statuses: str) -> None:
    if minutes.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the minutes are “%(status)s”.")
            % {"status": minutes.get_status_display()},
            code="state",
        )


# --- Content ------------------------------------------------------------------------------


def _bounded(value: str, limit: int, label: str) -> str:
    if len(value) > limit:
        raise ValidationError(
            _("%(field)s is too long (at most %(limit)d characters).")
            % {"field": label, "limit": limit}
        )
    return value


def content_clean(content: MinutesContent) -> MinutesContent:
    """Check the bounds of ``content`` and give every agreement a valid, unique key.

    Keys that came back from the form are kept (they link an agreement to its tracked
    commitment); missing, malformed or repeated keys are replaced by new ones.
    """
    for name in ("presentations", "interventions", "agreements"):
        if len(getattr(content, name)) > MAX_ITEMS:
            raise ValidationError(_("Too many items in one section (at most %d).") % MAX_ITEMS)
    _bounded(content.summary, MAX_TEXT, _("Summary"))
    _bounded(content.notes, MAX_TEXT, _("Notes"))
    _bounded(content.next_meeting.text, MAX_TEXT, _("Next meeting"))
    for p in content.presentations:
        for line in (p.title, p.presenter, p.organization):
            _bounded(line, MAX_LINE, _("Presentation"))
        _bounded(p.points, MAX_TEXT, _("Points"))
        if len(p.documents) > MAX_ITEMS:
            raise ValidationError(_("Too many documents in one presentation."))
        for public_id in p.documents:
            try:
                uuid.UUID(str(public_id))
            except ValueError as error:
                raise ValidationError(_("Unknown document.")) from error
    for i in content.interventions:
        _bounded(i.topic, MAX_LINE, _("Topic"))
        _bounded(i.speaker, MAX_LINE, _("Speaker"))
        _bounded(i.text, MAX_TEXT, _("Intervention"))
    seen: set[str] = set()
    for a in content.agreements:
        _bounded(a.text, MAX_TEXT, _("Agreement"))
        _bounded(a.responsible, MAX_LINE, _("Responsible"))
        if a.due_date:
            try:
                date.fromisoformat(a.due_date)
            except ValueError as error:
                raise ValidationError(_("An agreement has an invalid due date.")) from error
        if not _KEY.match(a.key or "") or a.key in seen:
            a.key = new_key()
        seen.add(a.key)
    if content.next_meeting.starts_at:
        try:
            datetime.fromisoformat(content.next_meeting.starts_at)
        except ValueError as error:
            raise ValidationError(_("The next meeting has an invalid date.")) from error
    return content


def agenda_content(meeting: Meeting, actor: User) -> MinutesContent:
    """Content prefilled from the agenda: one presentation per item, with its presenter,
    organization and the documents ``actor`` may see."""
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter", "presenter_organization")
        .prefetch_related("documents")
        .order_by("position", "pk")
    )
    presentations = [
        Presentation(
            title=item.title[:MAX_LINE],
            presenter=item.presenter.full_name if item.presenter else item.presenter_text,
            organization=item.presenter_organization.name if item.presenter_organization else "",
            documents=[
                str(document.public_id)
                for document in item.documents.all()
                if can_view_document(actor, document)
            ],
        )
        for item in items[:MAX_ITEMS]
    ]
    return MinutesContent(presentations=presentations)


def _add_revision(
    *,
    actor: User,
    minutes: Minutes,
    content: MinutesContent,
    kind: str = MinutesRevision.Kind.EDIT,
    reason: str = "",
) -> MinutesRevision:
    top = minutes.revisions.aggregate(top=Max("number"))["top"] or 0
    revision = MinutesRevision.objects.create(
        minutes=minutes,
        number=top + 1,
        kind=kind,
        content=content.to_json(),
        reason=reason,
        author=actor,
    )
    minutes.current_revision = revision
    minutes.save(update_fields=["current_revision", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        target=revision,
        target_repr=f"{minutes.meeting} (r{revision.number}, {kind})",
    )
    search.index_object(minutes)
    return revision


def _check_base(minutes: Minutes, base_revision: int) -> None:
    if base_revision != current_number(minutes):
        raise ValidationError(
            _(
                "Someone else saved the minutes while you were editing them. Your text is "
                "below, not saved: compare it with the current version, then save again."
            ),
            code=CONFLICT,
        )


# --- Writing ------------------------------------------------------------------------------


@transaction.atomic
def minutes_create(*, actor: User, meeting: Meeting, prefill: bool = True) -> Minutes:
    """Start the minutes of ``meeting`` as a draft (revision 1), prefilled from the agenda."""
    require(permissions.can_manage_meetings(actor))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("This meeting already has minutes."), code="exists")
    minutes = Minutes.objects.create(meeting=meeting)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=minutes)
    content = agenda_content(meeting, actor) if prefill else MinutesContent()
    _add_revision(actor=actor, minutes=minutes, content=content)
    return minutes


@transaction.atomic
def minutes_save(
    *, actor: User, minutes: Minutes, content: MinutesContent, base_revision: int
) -> MinutesRevision | None:
    """Save an edit; a new revision only if the content changed (``None`` otherwise).

    ``base_revision`` is the revision the editor started from: if someone saved in the
    meantime, the save is refused (code ``"conflict"``) and nothing is overwritten.
    """
    minutes = _lock(minutes)
    require(permissions.is_coordinator(actor))
    if minutes.is_locked:
        raise ValidationError(
            _("Approved minutes are locked: correct them with an erratum."), code="state"
        )
    _check_base(minutes, base_revision)
    content = content_clean(content)
    if content.to_json() == _current_content(minutes).to_json():
        return None
    return _add_revision(actor=actor, minutes=minutes, content=content)


@transaction.atomic
def minutes_erratum(
    *,
    actor: User,
    minutes: Minutes,
    content: MinutesContent,
    reason: str,
    base_revision: int,
) -> MinutesRevision:
    """Correct approved or published minutes: a new revision with its stated reason."""
    minutes = _lock(minutes)
    require(permissions.can_run_cycle(actor, minutes))
    _expect(minutes, Minutes.Status.APPROVED, Minutes.Status.PUBLISHED)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Say why the erratum is needed."), code="reason")
    _bounded(reason, MAX_REASON, _("Reason"))
    _check_base(minutes, base_revision)
    content = content_clean(content)
    if content.to_json() == _current_content(minutes).to_json():
        raise ValidationError(_("The erratum changes nothing in the minutes."), code="same")
    revision = _add_revision(
        actor=actor,
        minutes=minutes,
        content=content,
        kind=MinutesRevision.Kind.ERRATUM,
        reason=reason,
    )
    _prepare_pdf(minutes)
    hooks.minutes_approved(minutes)  # an agreement the erratum adds becomes a commitment
    return revision


# --- The cycle ----------------------------------------------------------------------------


@transaction.atomic
def minutes_open_review(*, actor: User, minutes: Minutes, deadline: datetime) -> Minutes:
    """Draft → review: members and attendees read them and observe until ``deadline``;
    each reviewer is sent the deadline and a link (:mod:`.notices`, in this transaction)."""
    minutes = _lock(minutes)
    require(permissions.can_run_cycle(actor, minutes))
    _expect(minutes, Minutes.Status.DRAFT)
    if deadline <= timezone.now():
        raise ValidationError(_("The deadline for observations must be in the future."))
    shared_from = minutes.shared_from or max(current_number(minutes), 1)
    _set_status(
        minutes, actor, Minutes.Status.REVIEW, review_deadline=deadline, shared_from=shared_from
    )
    notices.review_requested(minutes=minutes, actor=actor)
    return minutes


@transaction.atomic
def minutes_withdraw(*, actor: User, minutes: Minutes) -> Minutes:
    """Review → draft: back to coordinators only (observations are kept)."""
    minutes = _lock(minutes)
    require(permissions.can_run_cycle(actor, minutes))
    _expect(minutes, Minutes.Status.REVIEW)
    _set_status(minutes, actor, Minutes.Status.DRAFT, review_deadline=None)
    return minutes


@transaction.atomic
def minutes_approve(*, actor: User, minutes: Minutes) -> Minutes:
    """Review → approved: records who and when; the content is locked from now on. The
    reviewers are told (:mod:`.notices`)."""
    minutes = _lock(minutes)
    require(permissions.can_run_cycle(actor, minutes))
    _expect(minutes, Minutes.Status.REVIEW)
    _set_status(
        minutes, actor, Minutes.Status.APPROVED, approved_by=actor, approved_at=timezone.now()
    )
    notices.approved(minutes=minutes, actor=actor)
    return minutes


@transaction.atomic
def minutes_publish(*, actor: User, minutes: Minutes, visibility: str) -> Minutes:
    """Approved → published, for everyone (public) or for members; the meeting's invitees
    and the series' followers who may read them are sent a link, and public minutes are
    announced (:mod:`.notices`, in this transaction)."""
    minutes = _lock(minutes)
    require(permissions.can_run_cycle(actor, minutes))
    _expect(minutes, Minutes.Status.APPROVED)
    if visibility not in PUBLISH_VISIBILITIES:
        raise ValidationError(_("Choose who may read the published minutes."))
    _set_status(
        minutes,
        actor,
        Minutes.Status.PUBLISHED,
        visibility=visibility,
        published_at=timezone.now(),
    )
    notices.published(minutes=minutes, actor=actor)
    return minutes


@transaction.atomic
def observation_add(*, actor: User, minutes: Minutes, section: str, text: str) -> Observation:
    """An observation on one section, while the review is open."""
    minutes = _lock(minutes)
    if not permissions.can_observe(actor, minutes):
        require(permissions.can_view_observations(actor, minutes))
        raise ValidationError(
            _("Observations are accepted only while the minutes are in review."), code="closed"
        )
    if section not in Section.values:
        raise ValidationError(_("Choose a section of the minutes."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your observation."))
    _bounded(text, MAX_OBSERVATION, _("Observation"))
    observation = Observation.objects.create(
        minutes=minutes,
        section=section,
        text=text,
        author=actor,
        revision_number=current_number(minutes),
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=observation)
    return observation
