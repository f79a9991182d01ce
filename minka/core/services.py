"""Services shared by every app: the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.functional import LazyObject, empty

from minka.core import request_context
from minka.core.models import AuditEntry

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser

    from minka.accounts.models import User

# Field names whose values never reach the audit log, whatever the model.
_SECRET_FIELDS = {"password", "token", "token_hash", "secret", "key", "recovery_codes"}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def audit_changes(
    before: dict[str, Any], after: dict[str, Any], *, redact: bool = False
) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for every field whose value differs.

    With ``redact`` (models holding personal data), only the names of the changed fields
    are kept: the audit log outlives an erasure, so it must not hold what was erased.
    """
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            if redact or name in _SECRET_FIELDS:
                changes[name] = ["***", "***"]
            else:
                changes[name] = [_jsonable(old), _jsonable(new)]
    return changes


def model_snapshot(obj: models.Model) -> dict[str, Any]:
    """Return the concrete field values of ``obj`` for a later :func:`audit_changes`."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in _SECRET_FIELDS
    }


def _unwrap(target: models.Model) -> models.Model:
    """The object behind a lazy wrapper (``request.user`` is a ``SimpleLazyObject``): its
    own class, not the wrapper's, says whether it is named by id."""
    if isinstance(target, LazyObject):
        if target._wrapped is empty:
            target._setup()
        # Ignored type error: LazyObject._wrapped is untyped.
        return target._wrapped  # type: ignore[no-any-return]
    return target


def audit_repr(target: models.Model) -> str:
    """How ``target`` is named in the audit log: by id, for models that hold personal data."""
    target = _unwrap(target)
    if getattr(type(target), "AUDIT_REDACT_VALUES", False):
        public_id = getattr(target, "public_id", None) or target.pk
        return f"{target._meta.model_name} {public_id}"
    return str(target)


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    target_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log.

    Call it inside the service's transaction, so the entry and the change commit together.
    The client address and request id come from the current request, when there is one.
    """
    context = request_context.current.get()
    target = _unwrap(target) if target is not None else None
    user = actor if isinstance(actor, get_user_model()) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=(target_repr or (audit_repr(target) if target is not None else ""))[:200],
        changes=changes or {},
        ip_address=context.ip_address,
        request_id=context.request_id,
    )


def audit_forget(*, targets: Iterable[models.Model], names: Iterable[str]) -> int:
    """Erasure (Ley 29733): take a person's name out of the audit log.

    Every entry about one of ``targets`` is labelled as :func:`audit_repr` names it now (by
    id), and every other entry whose label contains one of ``names`` (the person's names and
    addresses, read before they are erased) is labelled by its object type and id. The
    entries stay: who did what, when and from where is kept. Returns the entries relabelled.
    Call it in the erasure's transaction.
    """
    relabelled = 0
    for target in targets:
        target = _unwrap(target)
        label = audit_repr(target)
        relabelled += (
            AuditEntry.objects.filter(
                target_type=target._meta.label_lower, target_id=str(target.pk)
            )
            .exclude(target_repr=label)
            .relabel(label)
        )
    for name in {" ".join(name.split()) for name in names}:
        if len(name) < 3:  # too short to name anyone
            continue
        for entry in AuditEntry.objects.filter(target_repr__icontains=name).only(
            "pk", "target_type", "target_id"
        ):
            label = f"{entry.target_type} {entry.target_id}".strip() or "-"
            relabelled += AuditEntry.objects.filter(pk=entry.pk).relabel(label)
    return relabelled


def admin_log_relabel(obj: models.Model, label: str) -> None:
    """The admin's change log names objects by ``str()``: on erasure, replace the name of
    ``obj`` in its entries by ``label``."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).update(object_repr=label[:200])
