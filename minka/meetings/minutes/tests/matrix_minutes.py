"""Access-matrix entries of the minutes: reading, editing, the cycle, observations,
revisions and errata, with minutes in each state of the cycle.

Objects (all on public meetings): minutes in draft, in review, approved, published for
everyone and published for members, and a meeting without minutes. POSTs carry no data, so
a persona allowed to act is refused for missing input (400) or sent on (302) by actions
that need none; a transition the state does not allow is refused with its message (400).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.core.tests.access_matrix import Access, everyone, form_view, row
from minka.meetings.minutes.tests.factories import minutes_in
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from collections.abc import Callable

# Reading: drafts are for coordinators; review and approved for members (and attendees);
# published follows the chosen visibility.
COORDINATORS = row(404, 404, 404, 404, 200, 200)
MEMBERS = row(404, 404, 200, 200, 200, 200)
EVERYONE = everyone(200)
# Comparing without choosing revisions: refused input for readers.
COMPARE_COORDINATORS = row(404, 404, 404, 404, 400, 400)
COMPARE_MEMBERS = row(404, 404, 400, 400, 400, 400)
# Coordinators' pages and actions: visitors sign in, others are refused.
COORD_200 = row(302, 403, 403, 403, 200, 200)
COORD_302 = row(302, 403, 403, 403, 302, 302)
COORD_400 = row(302, 403, 403, 403, 400, 400)
COORD_403 = row(302, 403, 403, 403, 403, 403)

STATES = {
    "draft": "minutes_draft",
    "review": "minutes_review",
    "approved": "minutes_approved",
    "published": "minutes_published",
    "published-members": "minutes_members",
}
READ = {
    "draft": (COORDINATORS, COMPARE_COORDINATORS),
    "review": (MEMBERS, COMPARE_MEMBERS),
    "approved": (MEMBERS, COMPARE_MEMBERS),
    "published": (EVERYONE, row(400, 400, 400, 400, 400, 400)),
    "published-members": (MEMBERS, COMPARE_MEMBERS),
}
# Per state: edit (GET, POST), erratum (GET, POST), review, withdraw, (approve: see APPROVE),
# publish.
LOCKED = (COORD_302, COORD_400, COORD_200, COORD_400, COORD_400, COORD_400, COORD_400, COORD_400)
ACTIONS = {
    "draft": (
        COORD_200, COORD_400, COORD_403, COORD_403, COORD_400, COORD_400, COORD_400, COORD_400
    ),
    "review": (
        COORD_200, COORD_400, COORD_403, COORD_403, COORD_400, COORD_302, COORD_302, COORD_400
    ),
    "approved": LOCKED,
    "published": LOCKED,
    "published-members": LOCKED,
}  # fmt: skip
# Approval: in review, GET shows the confirmation page; an empty POST lacks the confirmation
# box and is refused (400, nothing changes). In other states both are refused (400).
APPROVE = {
    "draft": form_view(COORD_400, COORD_400),
    "review": form_view(COORD_200, COORD_400),
    "approved": form_view(COORD_400, COORD_400),
    "published": form_view(COORD_400, COORD_400),
    "published-members": form_view(COORD_400, COORD_400),
}
# Observations (an empty POST): readers who may see observations are refused for missing
# input; a registered reader of published minutes may not see them (403).
OBSERVE = {
    "draft": row(302, 404, 404, 404, 400, 400),
    "review": row(302, 404, 400, 400, 400, 400),
    "approved": row(302, 404, 400, 400, 400, 400),
    "published": row(302, 403, 400, 400, 400, 400),
    "published-members": row(302, 404, 400, 400, 400, 400),
}


def _entries() -> dict[str, Access]:
    matrix: dict[str, Access] = {
        "meetings:minutes-create": Access({"POST": COORD_302}, kwargs="meeting_without_minutes"),
        # Minutes exist already: back to them with a message.
        "meetings:minutes-create[exists]": Access({"POST": COORD_302}, kwargs="minutes_draft"),
        "meetings:minutes-detail[unknown]": Access(
            {"GET": everyone(404)}, kwargs="minutes_unknown"
        ),
        "meetings:minutes-detail[none]": Access(
            {"GET": everyone(404)}, kwargs="meeting_without_minutes"
        ),
    }
    for state, kwargs in STATES.items():
        read, compare = READ[state]
        edit_get, edit_post, erratum_get, erratum_post, review, withdraw, _approve, publish = (
            ACTIONS[state]
        )
        entries = {
            "minutes-detail": {"GET": read},
            "minutes-revisions": {"GET": read},
            "minutes-compare": {"GET": compare},
            "minutes-edit": form_view(edit_get, edit_post),
            "minutes-erratum": form_view(erratum_get, erratum_post),
            "minutes-review": {"POST": review},
            "minutes-withdraw": {"POST": withdraw},
            "minutes-approve": APPROVE[state],
            "minutes-publish": {"POST": publish},
            "minutes-observation-add": {"POST": OBSERVE[state]},
        }
        for name, methods in entries.items():
            key = f"meetings:{name}" if state == "draft" else f"meetings:{name}[{state}]"
            matrix[key] = Access(methods, kwargs=kwargs)
    # The editor's "Add another …" button re-displays the editor (nothing saved); approved
    # minutes lead to the erratum page instead.
    add_row = {"editor-action": "add:agreements"}
    matrix["meetings:minutes-edit[add-row]"] = Access(
        form_view(COORD_200, COORD_200), kwargs="minutes_draft", data=add_row
    )
    matrix["meetings:minutes-edit[add-row-approved]"] = Access(
        form_view(COORD_302, COORD_302), kwargs="minutes_approved", data=add_row
    )
    matrix["meetings:minutes-erratum[add-row]"] = Access(
        form_view(COORD_200, COORD_200), kwargs="minutes_approved", data=add_row
    )
    return matrix


MATRIX: dict[str, Access] = _entries()


def _meeting_of(attribute: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, attribute).meeting.public_id}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    **{kwargs: _meeting_of(kwargs) for kwargs in STATES.values()},
    "meeting_without_minutes": lambda o: {"public_id": o.meeting_without_minutes.public_id},
    "minutes_unknown": lambda o: {"public_id": "00000000-0000-4000-8000-000000000000"},
}


def setup_objects(case: Any, objects: Any) -> None:
    for state, attribute in STATES.items():
        setattr(objects, attribute, minutes_in(state, actor=case.coord))
    objects.meeting_without_minutes = MeetingFactory.create(title="Reunión sin acta")
