"""Access-matrix entries for the admin site, generated from its registry.

Rules: visitors and users below coordinator are sent to sign in (302). Coordinators reach
the admin's index but no model page unless granted a permission (403; 404 for an app
page). Admins have every permission, minus what a ModelAdmin withholds from everyone
(the audit log cannot be added to, changed or deleted; users and invitations cannot be
added there). Only GET and POST are listed: the admin's views do not distinguish the rest.
"""

from __future__ import annotations

from django.contrib import admin

from minka.core.tests.access_matrix import Access, row

SIGN_IN = (302, 302, 302, 302)  # anon, reg, mem_a, mem_b


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
    apps: set[str] = set()
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        label = meta.label_lower
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        apps.add(meta.app_label)
        object_id = object_ids[label]
        can_add = model_admin.has_add_permission(_SuperRequest())  # type: ignore[arg-type]
        can_change = model_admin.has_change_permission(_SuperRequest())  # type: ignore[arg-type]
        can_delete = model_admin.has_delete_permission(_SuperRequest())  # type: ignore[arg-type]
        on_object = f"admin:{object_id}"
        entries[f"{prefix}_changelist"] = _same(_cells(403, 200))
        entries[f"{prefix}_add"] = _same(_cells(403, 200 if can_add else 403))
        # An empty POST re-displays the form (200) where changing is allowed.
        entries[f"{prefix}_change"] = Access(
            {"GET": _cells(403, 200), "POST": _cells(403, 200 if can_change else 403)},
            kwargs=on_object,
        )
        # An empty POST lacks the confirmation, so the confirmation page is shown again.
        entries[f"{prefix}_delete"] = Access(
            _methods(_cells(403, 200 if can_delete else 403)), kwargs=on_object
        )
        entries[f"{prefix}_history"] = Access(_methods(_cells(403, 200)), kwargs=on_object)
    for app_label in sorted(apps):
        entries[f"admin:app_list[{app_label}]"] = Access(
            _methods(_cells(404, 200)), kwargs=f"app:{app_label}"
        )
    return entries


class _SuperUser:
    is_active = True
    is_staff = True
    is_superuser = True
    is_authenticated = True
    role = "admin"

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return True


class _SuperRequest:
    user = _SuperUser()
