"""Data-rights (ARCO) requests: received, answered, and emailed the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.core.emails import email_queue
from minka.core.models import AuditEntry
from minka.core.permissions import require
from minka.core.services import audit_record
from minka.core.workdays import add_working_days
from minka.directory.models import (
    DataRequest,
    Person,
)
from minka.directory.permissions import can_edit_person, can_manage_directory
from minka.directory.services.erasure import person_anonymize

if TYPE_CHECKING:
    from minka.accounts.models import User


@transaction.atomic
def data_request_create(
    *, actor: User, person: Person, kind: str, details: str = ""
) -> DataRequest:
    """Register an ARCO request; its due date counts Peruvian working days."""
    if not can_edit_person(actor, person):
        raise PermissionDenied
    if kind not in DataRequest.Kind.values:
        raise ValidationError(_("Unknown kind of request."))
    if DataRequest.objects.filter(
        person=person, kind=kind, status__in=["received", "in_progress"]
    ).exists():
        raise ValidationError(_("There is already an open request of this kind."))
    today = timezone.localdate()
    request = DataRequest.objects.create(
        person=person,
        kind=kind,
        details=details,
        due_date=add_working_days(today, settings.ARCO_DEADLINE_DAYS[kind]),
        identity_verified=person.user_id is not None and person.user_id == actor.pk,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, target=request)
    return request


@transaction.atomic
def data_request_close(
    *, actor: User, request: DataRequest, status: str, answer: str
) -> DataRequest:
    """Answer a request (coordinators) and email the answer to the person, in their language.

    Closing a cancellation as done anonymizes the person: the address the answer goes to is
    then kept on the request (``reply_to``) only until the worker has sent that last email.
    """
    require(can_manage_directory(actor))
    request = (
        DataRequest.objects.select_for_update(of=("self",))
        .select_related("person__user")
        .get(pk=request.pk)
    )
    if not request.is_open:
        raise ValidationError(_("This request is already closed."))
    if status not in {DataRequest.Status.DONE, DataRequest.Status.REJECTED}:
        raise ValidationError(_("Close the request as done or rejected."))
    if not answer.strip():
        raise ValidationError(_("Write the answer that will be sent to the person."))
    person = request.person
    user = person.user
    to = user.email if user is not None else person.email
    language = (user.language if user is not None else "") or settings.LANGUAGE_CODE
    fields = ["status", "answer", "handled_by", "closed_at", "updated_at"]
    if request.kind == DataRequest.Kind.CANCELLATION and status == DataRequest.Status.DONE:
        person_anonymize(actor=actor, person=person)
        request.reply_to = to
        fields.append("reply_to")
    request.status = status
    request.answer = answer
    request.handled_by = actor
    request.closed_at = timezone.now()
    # Only these fields: anonymizing the person has just erased the request's details.
    request.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target=request,
        changes={"status": ["open", status]},
    )
    if to:
        email_queue(kind="directory.datarequest_answer", language=language, request_id=request.pk)
    return request
