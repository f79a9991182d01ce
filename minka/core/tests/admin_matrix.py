"""Access-matrix entries for the admin site, generated from its registry.

Rules: visitors and users below coordinator are sent to sign in (302). Coordinators reach
the admin's index; what they may do on each model's pages is written down below, model by
model (:data:`COORDINATOR_RULES`), never read from the ModelAdmin: a ModelAdmin that grants
more (or less) than its rule fails the walk, and a model registered without a rule fails
:func:`admin_matrix`. A page they may not use answers 403 (404 for an app page with no model
for them). Admins have every permission, minus what a ModelAdmin withholds from everyone
(the audit log cannot be added to, changed or deleted; users and invitations cannot be added
there). Only GET and POST are listed: the admin's views do not distinguish the rest.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from minka.core.tests.access_matrix import Access, row

SIGN_IN = (302, 302, 302, 302)  # anon, reg, mem_a, mem_b

NOTHING: frozenset[str] = frozenset()
READ = frozenset({"module", "view"})
ANSWER = READ | {"change"}
EDIT = READ | {"add", "change"}
# What coordinators may do in the admin, model by model (admins: everything). The audit log,
# accounts, second factors, sessions and the task queue are admins' only.
COORDINATOR_RULES: dict[str, frozenset[str]] = {
    "core.auditentry": NOTHING,
    "accounts.user": NOTHING,
    "directory.invitation": NOTHING,
    "directory.membership": NOTHING,
    "account.emailaddress": NOTHING,
    "mfa.authenticator": NOTHING,
    "usersessions.usersession": NOTHING,
    "django_tasks_database.dbtaskresult": NOTHING,
    "directory.topic": EDIT,
    "directory.organization": EDIT,
    "directory.person": EDIT,
    "directory.affiliation": EDIT,
    "directory.consentevent": READ,
    "directory.datarequest": ANSWER,
    "documents.document": READ,
    "documents.version": READ,
    "meetings.series": EDIT,
    "meetings.meeting": READ,
    "meetings.minutes": READ,
    "agreements.commitment": READ,
    "agreements.goal": READ,
}


class MissingAdminRuleError(KeyError):
    """A model is registered in the admin without a rule in :data:`COORDINATOR_RULES`."""


def coordinator_rule(label: str) -> dict[str, bool]:
    """The written rule for ``label``, as the permissions :func:`_permissions` reads."""
    if label not in COORDINATOR_RULES:
        raise MissingAdminRuleError(
            f"{label} is registered in the admin without a rule: add it to COORDINATOR_RULES "
            "in minka/core/tests/admin_matrix.py."
        )
    allowed = COORDINATOR_RULES[label]
    return {name: name in allowed for name in ("module", "view", "add", "change", "delete")}


def _cells(coord: int, admin_: int) -> tuple[int, ...]:
    return row(*SIGN_IN, coord, admin_)


def _methods(cells: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """The admin's views answer POST as they answer GET unless they handle a form."""
    return {"GET": cells, "POST": cells}


def _same(cells: tuple[int, ...]) -> Access:
    return Access(_methods(cells))


def admin_matrix(object_ids: dict[str, str]) -> dict[str, Access]:
    """Return entries for every admin route; ``object_ids`` maps model labels to a pk."""
    entries: dict[str, Access] = {
        "admin:index": _same(_cells(200, 200)),
        # One sign-in (allauth's, with two factors) and one password page for the site.
        "admin:login": _same(_cells(302, 302)),
        "admin:password_change": _same(_cells(302, 302)),
        "admin:password_change_done": _same(_cells(302, 302)),
        "admin:logout": Access({"GET": _cells(405, 405), "POST": _cells(200, 200)}),
        # Without the query it needs, autocomplete refuses (403) even an admin.
        "admin:autocomplete": Access({"GET": _cells(403, 403), "POST": _cells(405, 405)}),
        "admin:jsi18n": Access({"GET": _cells(200, 200), "POST": _cells(405, 405)}),
        "admin:view_on_site": Access(_methods(_cells(404, 404)), kwargs="view_on_site"),
    }
    coordinator_apps: dict[str, bool] = {}
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        label = meta.label_lower
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        object_id = object_ids[label]
        coord = coordinator_rule(label)
        full = permissions_of(model_admin, _SuperRequest())
        coordinator_apps[meta.app_label] = coordinator_apps.get(meta.app_label, False) or (
            coord["module"] and any(coord[p] for p in ("view", "add", "change", "delete"))
        )
        on_object = f"admin:{object_id}"
        entries[f"{prefix}_changelist"] = _same(_cells(_ok(coord["view"]), 200))
        entries[f"{prefix}_add"] = _same(_cells(_ok(coord["add"]), _ok(full["add"])))
        # An empty POST re-displays the form (200) where changing is allowed.
        entries[f"{prefix}_change"] = Access(
            {
                "GET": _cells(_ok(coord["view"]), 200),
                "POST": _cells(_ok(coord["change"]), _ok(full["change"])),
            },
            kwargs=on_object,
        )
        # An empty POST lacks the confirmation, so the confirmation page is shown again.
        entries[f"{prefix}_delete"] = Access(
            _methods(_cells(_ok(coord["delete"]), _ok(full["delete"]))), kwargs=on_object
        )
        entries[f"{prefix}_history"] = Access(
            _methods(_cells(_ok(coord["view"]), 200)), kwargs=on_object
        )
    for app_label in sorted(coordinator_apps):
        coord_app = 200 if coordinator_apps[app_label] else 404
        entries[f"admin:app_list[{app_label}]"] = Access(
            _methods(_cells(coord_app, 200)), kwargs=f"app:{app_label}"
        )
    return entries


def _ok(allowed: bool) -> int:
    return 200 if allowed else 403


def permissions_of(model_admin: Any, request: Any) -> dict[str, bool]:
    """What ``model_admin`` allows the user of ``request``, on the model as a whole."""
    return {
        "module": bool(model_admin.has_module_permission(request)),
        # The admin shows the list, an object and its history with either permission.
        "view": bool(model_admin.has_view_or_change_permission(request)),
        "add": bool(model_admin.has_add_permission(request)),
        "change": bool(model_admin.has_change_permission(request)),
        "delete": bool(model_admin.has_delete_permission(request)),
    }


class _SuperUser:
    is_active = True
    is_staff = True
    is_superuser = True
    is_authenticated = True
    role = "admin"

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return True

    def has_module_perms(self, app_label: str) -> bool:
        return True


class _SuperRequest:
    user = _SuperUser()


class CoordinatorUser:
    """A coordinator as the admin sees one: staff, no Django permissions (roles rule)."""

    is_active = True
    is_staff = True
    is_superuser = False
    is_authenticated = True
    role = "coordinator"

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_perms(self, perms: object, obj: object = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False


class CoordinatorRequest:
    user = CoordinatorUser()
