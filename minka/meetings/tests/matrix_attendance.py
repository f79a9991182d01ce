"""Access-matrix entries of invitations, RSVP, attendance, check-in and the attendees
directory.

Objects: a public planned meeting with check-in open (and one where registered accounts
may answer "¿Asistirá?"), ``mem_a`` invited (their directory
record is linked to their account) and a person invited through organization B whose
signed link is used; a members-only meeting; a cancelled meeting whose signed link is gone.
Empty POSTs: forms refuse them (400); the attendance sheet accepts an empty set and changes
nothing (302).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minka.core.tests.access_matrix import Access, everyone, form_view, row, signed_in
from minka.core.visibility import Visibility
from minka.directory.services import person_for_user
from minka.directory.tests.factories import PersonFactory
from minka.meetings.models import Attendance, Invitee, Meeting
from minka.meetings.services.invitations import rsvp_token
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from collections.abc import Callable

COORDINATOR_PAGE = row(302, 403, 403, 403, 200, 200)
COORDINATOR_EMPTY_POST = row(302, 403, 403, 403, 400, 400)
COORDINATOR_ACTION = row(302, 403, 403, 403, 302, 302)
MEMBERS_PAGE = row(302, 403, 200, 200, 200, 200)
# Members answer from the meeting page, invited or not (an empty answer is refused, 400);
# a registered account only where the coordinator allowed it; visitors sign in first.
RSVP_POST = row(302, 403, 400, 400, 400, 400)

MATRIX: dict[str, Access] = {
    "meetings:meeting-invitees": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_EMPTY_POST), kwargs="att_meeting"
    ),
    "meetings:invitee-remove": Access({"POST": COORDINATOR_ACTION}, kwargs="att_invitee"),
    # An invitee of another meeting: not found under this one.
    "meetings:invitee-remove[other]": Access(
        {"POST": row(302, 403, 403, 403, 404, 404)}, kwargs="att_invitee_other"
    ),
    "meetings:invitee-resend": Access({"POST": COORDINATOR_ACTION}, kwargs="att_invitee"),
    "meetings:meeting-rsvp": Access({"POST": RSVP_POST}, kwargs="att_meeting"),
    "meetings:meeting-rsvp[members]": Access(
        {"POST": row(302, 404, 400, 400, 400, 400)}, kwargs="att_members_meeting"
    ),
    "meetings:meeting-rsvp[public-rsvp]": Access(
        {"POST": row(302, 400, 400, 400, 400, 400)}, kwargs="att_public_rsvp_meeting"
    ),
    # The signed link: anyone holding it sees the buttons; an empty POST is refused.
    "meetings:rsvp-link": Access({"GET": everyone(200), "POST": everyone(400)}, kwargs="att_token"),
    "meetings:rsvp-link[tampered]": Access(
        {"GET": everyone(400), "POST": everyone(400)}, kwargs="att_token_tampered"
    ),
    "meetings:rsvp-link[cancelled]": Access(
        {"GET": everyone(410), "POST": everyone(410)}, kwargs="att_token_cancelled"
    ),
    "meetings:meeting-attendance": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_ACTION), kwargs="att_meeting"
    ),
    # The attendance sheet of a members-only meeting: still coordinators only.
    "meetings:meeting-attendance[members]": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_ACTION), kwargs="att_members_meeting"
    ),
    "meetings:checkin-code": Access(
        form_view(COORDINATOR_PAGE, COORDINATOR_EMPTY_POST), kwargs="att_meeting"
    ),
    "meetings:meeting-checkin": Access(
        form_view(signed_in(302, 200), signed_in(302, 400)), kwargs="att_meeting"
    ),
    "meetings:meeting-checkin[members]": Access(
        form_view(row(302, 404, 200, 200, 200, 200), row(302, 404, 400, 400, 400, 400)),
        kwargs="att_members_meeting",
    ),
    "meetings:meeting-attendees": Access({"GET": MEMBERS_PAGE}, kwargs="att_meeting"),
    "meetings:meeting-attendees[members]": Access(
        {"GET": MEMBERS_PAGE}, kwargs="att_members_meeting"
    ),
    "meetings:meeting-attendees[coordinators]": Access(
        {"GET": row(302, 403, 404, 404, 200, 200)}, kwargs="att_coordinators_meeting"
    ),
    "meetings:meeting-attendees-csv": Access({"GET": MEMBERS_PAGE}, kwargs="att_meeting"),
    "meetings:meeting-attendees-csv[coordinators]": Access(
        {"GET": row(302, 403, 404, 404, 200, 200)}, kwargs="att_coordinators_meeting"
    ),
}


def _meeting(attribute: str) -> Callable[[Any], dict[str, Any]]:
    return lambda o: {"public_id": getattr(o, attribute).public_id}


def _invitee(attribute: str) -> Callable[[Any], dict[str, Any]]:
    def build(objects: Any) -> dict[str, Any]:
        invitee = getattr(objects, attribute)
        return {"public_id": objects.att_meeting.public_id, "invitee_id": invitee.pk}

    return build


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "att_meeting": _meeting("att_meeting"),
    "att_members_meeting": _meeting("att_members_meeting"),
    "att_coordinators_meeting": _meeting("att_coordinators_meeting"),
    "att_public_rsvp_meeting": _meeting("att_public_rsvp_meeting"),
    "att_invitee": _invitee("att_invitee"),
    "att_invitee_other": _invitee("att_invitee_other"),
    "att_token": lambda o: {"token": rsvp_token(o.att_invitee)},
    "att_token_tampered": lambda o: {"token": rsvp_token(o.att_invitee)[:-2] + "xx"},
    "att_token_cancelled": lambda o: {"token": rsvp_token(o.att_invitee_cancelled)},
}


def setup_objects(case: Any, objects: Any) -> None:
    meeting = MeetingFactory.create(title="Matriz asistencia", checkin_code="ABCDEF")
    members = MeetingFactory.create(
        title="Matriz asistencia miembros", visibility=Visibility.MEMBERS, checkin_code="GHJKMN"
    )
    coordinators = MeetingFactory.create(
        title="Matriz asistencia coordinación", visibility=Visibility.COORDINATORS
    )
    cancelled = MeetingFactory.create(
        title="Matriz asistencia cancelada", status=Meeting.Status.CANCELLED
    )
    objects.att_public_rsvp_meeting = MeetingFactory.create(
        title="Matriz asistencia respuesta abierta", allow_public_rsvp=True
    )
    mem_a_person = person_for_user(user=case.mem_a)
    guest = PersonFactory.create(full_name="Invitada Matriz")
    objects.att_meeting = meeting
    objects.att_members_meeting = members
    objects.att_coordinators_meeting = coordinators
    Invitee.objects.create(meeting=meeting, person=mem_a_person, organization=case.org_a)
    Invitee.objects.create(meeting=members, person=mem_a_person, organization=case.org_a)
    objects.att_invitee = Invitee.objects.create(
        meeting=meeting, person=guest, organization=case.org_b
    )
    objects.att_invitee_other = Invitee.objects.create(meeting=members, person=guest)
    objects.att_invitee_cancelled = Invitee.objects.create(meeting=cancelled, person=guest)
    Attendance.objects.create(
        meeting=meeting, person=guest, source=Attendance.Source.RECORDED, recorded_by=case.coord
    )
