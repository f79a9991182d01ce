"""Writes of the consultations: consultations and their sections, comments, moderation
(hide, show again), reports and their resolution, and the response.

Every service checks its permission (``core.permissions.require``), validates with clear
``ValidationError`` messages and saves nothing on error, writes the audit log in its
transaction, keeps the search index in step and writes its notifications in the same
transaction (the outbox).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka import search
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_changes, audit_record, model_snapshot
from minka.core.visibility import Visibility
from minka.participation.comments import comment_hide_fields, comment_unhide_fields
from minka.participation.consultations import notifications, permissions
from minka.participation.consultations.models import (
    CommentReport,
    Consultation,
    ConsultationComment,
    ConsultationSection,
    Phase,
)

if TYPE_CHECKING:
    from datetime import datetime

    from minka.accounts.models import User
    from minka.documents.models import Document

MAX_SECTIONS = 50
DESCRIPTION_MAX = 4000
BODY_MAX = 4000
RESPONSE_MAX = 20000
SECTION_LINE = re.compile(r"^\s*(\d{1,3})\s*[.)-]\s*(.+?)\s*$")
# From the widest audience to the narrowest.
_AUDIENCE = [Visibility.PUBLIC, Visibility.MEMBERS, Visibility.COORDINATORS]
CONSULTATION_FIELDS = ("document", "title", "description", "visibility", "opens_at", "closes_at")


class ConsultationData(TypedDict, total=False):
    """What :func:`consultation_create` and :func:`consultation_update` take. ``sections``
    is the text of the sections, one per line: "1. Alcance"."""

    document: Document
    title: str
    description: str
    visibility: str
    opens_at: datetime
    closes_at: datetime
    sections: str


def sections_parse(text: str) -> list[tuple[int, str]]:
    """``(number, title)`` for each non-empty line of ``text``: "1. Alcance" (or "1)",
    "1 -"); a line without a number takes the next one. Numbers are unique."""
    parsed: list[tuple[int, str]] = []
    seen: set[int] = set()
    for line in text.splitlines():
        if not line.strip():
            continue
        match = SECTION_LINE.match(line)
        if match:
            number, title = int(match.group(1)), match.group(2)
        else:
            number, title = (parsed[-1][0] + 1 if parsed else 1), line.strip()
        if number in seen:
            raise ValidationError(
                _("Section %(number)d appears twice.") % {"number": number}, code="sections"
            )
        if number < 1:
            raise ValidationError(_("Sections are numbered from 1."), code="sections")
        if len(title) > ConsultationSection._meta.get_field("title").max_length:  # type: ignore[operator]
            raise ValidationError(
                _("The title of section %(number)d is too long (300 characters at most).")
                % {"number": number},
                code="sections",
            )
        seen.add(number)
        parsed.append((number, title))
    if len(parsed) > MAX_SECTIONS:
        raise ValidationError(
            _("A consultation has at most %(count)d sections.") % {"count": MAX_SECTIONS},
            code="sections",
        )
    return parsed


def sections_text(consultation: Consultation) -> str:
    """The sections as the form edits them, one per line."""
    return "\n".join(f"{s.number}. {s.title}" for s in consultation.sections.order_by("number"))


def _check_length(text: str, limit: int, code: str) -> None:
    """TextFields do not check their ``max_length``: the services do."""
    if len(text) > limit:
        raise ValidationError(
            _("The text is too long: %(limit)d characters at most (it has %(count)d).")
            % {"limit": limit, "count": len(text)},
            code=code,
        )


def _check(consultation: Consultation) -> None:
    _check_length(consultation.description, DESCRIPTION_MAX, "description")
    if consultation.visibility not in (Visibility.PUBLIC, Visibility.MEMBERS):
        raise ValidationError(_("A consultation is public or for members."), code="visibility")
    if not consultation.title.strip():
        raise ValidationError(_("Give the consultation a title."), code="title")
    if consultation.closes_at <= consultation.opens_at:
        raise ValidationError(_("The consultation must close after it opens."), code="period")
    document = consultation.document
    if _AUDIENCE.index(Visibility(consultation.visibility)) < _AUDIENCE.index(
        Visibility(document.visibility)
    ):
        raise ValidationError(
            _(
                "The consultation cannot be wider than its document: the document “%(title)s” "
                "is not public. Make the consultation for members, or change the document's "
                "visibility first."
            )
            % {"title": document.title},
            code="visibility",
        )
    consultation.full_clean(exclude=["created_by", "document"])


def _set_sections(consultation: Consultation, wanted: list[tuple[int, str]]) -> None:
    """Make the sections ``wanted``: titles of kept numbers change, new numbers are added,
    missing numbers removed unless they have comments (refused, nothing saved)."""
    current = {s.number: s for s in consultation.sections.all()}
    numbers = {number for number, _title in wanted}
    removed = [s for number, s in current.items() if number not in numbers]
    commented = [s.number for s in removed if s.comments.exists()]
    if commented:
        raise ValidationError(
            _("Section %(number)d has comments and cannot be removed.") % {"number": commented[0]},
            code="sections",
        )
    for section in removed:
        section.delete()
    for number, title in wanted:
        kept = current.get(number)
        if kept is None:
            ConsultationSection.objects.create(
                consultation=consultation, number=number, title=title
            )
        elif kept.title != title:
            kept.title = title
            kept.save(update_fields=["title"])


@transaction.atomic
def consultation_create(*, actor: User, data: ConsultationData) -> Consultation:
    """Open ``data["document"]`` for comments during a period (coordinators). The
    announcement goes out when it opens (the planner in ``notifications``)."""
    require(permissions.can_manage_consultations(actor))
    consultation = Consultation(created_by=actor)
    for name in CONSULTATION_FIELDS:
        if name in data:
            setattr(consultation, name, data[name])  # type: ignore[literal-required]
    if consultation.document_id is None:
        raise ValidationError(_("Choose the document to consult on."), code="document")
    sections = sections_parse(data.get("sections", ""))
    _check(consultation)
    consultation.save()
    _set_sections(consultation, sections)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=consultation)
    search.index_object(consultation)
    notifications.consultation_opened(consultation)
    return consultation


@transaction.atomic
def consultation_update(
    *, actor: User, consultation: Consultation, data: ConsultationData
) -> Consultation:
    """Change a consultation's record and sections (coordinators). A section that has
    comments cannot be removed."""
    require(permissions.can_manage_consultations(actor))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    before = model_snapshot(consultation)
    before_sections = sections_text(consultation)
    for name in CONSULTATION_FIELDS:
        if name in data:
            setattr(consultation, name, data[name])  # type: ignore[literal-required]
    sections = sections_parse(data.get("sections", before_sections))
    _check(consultation)
    consultation.save()
    _set_sections(consultation, sections)
    changes = audit_changes(before, model_snapshot(consultation))
    after_sections = sections_text(consultation)
    if after_sections != before_sections:
        changes["sections"] = [before_sections, after_sections]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, target=consultation, changes=changes)
    search.index_object(consultation)
    notifications.consultation_opened(consultation)
    return consultation


def _phase_error(phase: Phase) -> ValidationError:
    if phase == Phase.UPCOMING:
        return ValidationError(
            _("This consultation is not open yet: comments are received from its opening."),
            code="upcoming",
        )
    return ValidationError(
        _("This consultation is closed: it no longer receives comments."), code="closed"
    )


@transaction.atomic
def comment_create(
    *,
    actor: User,
    consultation: Consultation,
    body: str,
    section: ConsultationSection | None = None,
    now: datetime | None = None,
) -> ConsultationComment:
    """A comment on the whole document (``section`` None) or on one of its sections, while
    the consultation is open. The caller applies the per-account rate limit."""
    require(permissions.can_comment(actor, consultation))
    phase = consultation.phase(now)
    if phase != Phase.OPEN:
        raise _phase_error(phase)
    if section is not None and section.consultation_id != consultation.pk:
        raise ValidationError(_("Choose one of this consultation's sections."), code="section")
    body = body.strip()
    if not body:
        raise ValidationError(_("Write your comment."), code="body")
    _check_length(body, BODY_MAX, "body")
    comment = ConsultationComment(
        consultation=consultation, section=section, author=actor, body=body
    )
    comment.full_clean(exclude=["consultation", "section", "author", "hidden_by"])
    comment.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=comment)
    return comment


@transaction.atomic
def comment_hide(*, actor: User, comment: ConsultationComment, reason: str) -> ConsultationComment:
    """Hide a comment (coordinators): its author still reads it with ``reason`` and is told
    (transactional); everyone else reads "hidden by moderation". Its open reports are
    resolved."""
    require(permissions.can_manage_consultations(actor))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the comment is hidden."), code="reason")
    comment = ConsultationComment.objects.select_for_update().get(pk=comment.pk)
    comment_hide_fields(comment, actor=actor, reason=reason)
    CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=comment.hidden_at, resolved_by=actor
    )
    notifications.comment_hidden(comment, actor=actor)
    return comment


@transaction.atomic
def comment_unhide(*, actor: User, comment: ConsultationComment) -> ConsultationComment:
    """Show a hidden comment again (coordinators)."""
    require(permissions.can_manage_consultations(actor))
    comment = ConsultationComment.objects.select_for_update().get(pk=comment.pk)
    comment_unhide_fields(comment, actor=actor)
    return comment


@transaction.atomic
def report_create(*, actor: User, comment: ConsultationComment, reason: str) -> CommentReport:
    """Report a comment for abuse, once per person and comment (a database constraint: a
    second report, even at the same moment, is refused with a message)."""
    require(permissions.can_comment(actor, comment.consultation))
    require(permissions.can_report_comment(actor, comment))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say briefly what is wrong with this comment."), code="reason")
    report = CommentReport(comment=comment, reporter=actor, reason=reason)
    report.full_clean(exclude=["comment", "reporter", "resolved_by"], validate_unique=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this comment."), code="duplicate"
        ) from None
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=report)
    return report


@transaction.atomic
def report_resolve(*, actor: User, report: CommentReport) -> CommentReport:
    """Mark a report as dealt with, leaving the comment as it is (coordinators)."""
    require(permissions.can_manage_consultations(actor))
    report = CommentReport.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is not None:
        raise ValidationError(_("This report was already resolved."), code="resolved")
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.save(update_fields=["resolved_at", "resolved_by"])
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, target=report, changes={"resolved": [0, 1]}
    )
    return report


@transaction.atomic
def response_publish(
    *, actor: User, consultation: Consultation, response: str, now: datetime | None = None
) -> Consultation:
    """Publish (or correct) the response summary once the consultation has closed
    (coordinators). The first publication is sent to everyone who commented."""
    require(permissions.can_manage_consultations(actor))
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.phase(now) != Phase.CLOSED:
        raise ValidationError(
            _("The response is published once the consultation has closed."), code="open"
        )
    response = response.strip()
    if not response:
        raise ValidationError(_("Write the response."), code="response")
    _check_length(response, RESPONSE_MAX, "response")
    before = consultation.response
    consultation.response = response
    first = consultation.response_published_at is None
    if first:
        consultation.response_published_at = now or timezone.now()
    consultation.full_clean(exclude=["created_by", "document"])
    consultation.save(update_fields=["response", "response_published_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=consultation,
        changes={"response": [before, response]},
    )
    search.index_object(consultation)
    if first:
        notifications.response_published(consultation, actor=actor)
    return consultation
