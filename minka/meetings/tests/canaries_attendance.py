"""Canaries of invitations and attendance, for coordinators' eyes only: the email of an
invitee who shares it with nobody (the invitations page), the name of an attendee who did
not consent to be listed (counted, never named, in the attendees directory and its CSV),
a pending person of a convening organization (named only on the attendance sheet), and the
check-in code shown in the room (the code page and its QR code).

Members-only canaries (an attendee's consented email, which members may see) are crawled
as ``anon`` and ``reg`` in ``test_attendance_canaries``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from minka.directory.models import Person
from minka.directory.tests.factories import AffiliationFactory, PersonFactory
from minka.meetings.models import Attendance, Invitee
from minka.meetings.tests.factories import MeetingFactory

if TYPE_CHECKING:
    from minka.core.tests.base import RoleTestCase

_TAG = uuid.uuid4().hex[:10]
INVITEE_EMAIL = f"canary-invitee-{_TAG}@example.org"
HIDDEN_NAME = f"Asistente Reservada {_TAG}"
CHECKIN_CODE = "ZQ" + "".join("ABCDEFGHJK"[int(c, 16) % 10] for c in _TAG[:8])

SHEET_NAME = f"Convocante Pendiente {_TAG}"
CANARIES = [INVITEE_EMAIL, HIDDEN_NAME, SHEET_NAME, CHECKIN_CODE]


def plant(case: Any) -> None:
    meeting = MeetingFactory.create(title="Reunión canario asistencia", checkin_code=CHECKIN_CODE)
    case.canary_attendance_meeting = meeting
    invited = PersonFactory.create(full_name="Invitada Canario", email=INVITEE_EMAIL)
    Invitee.objects.create(meeting=meeting, person=invited, organization=case.org_a)
    hidden = PersonFactory.create(
        full_name=HIDDEN_NAME, email=f"reservada-{_TAG}@example.org", status=Person.Status.ACTIVE
    )
    Attendance.objects.create(meeting=meeting, person=hidden, source=Attendance.Source.RECORDED)
    meeting.organizations.add(case.org_b)
    AffiliationFactory.create(
        organization=case.org_b, person__full_name=SHEET_NAME, person__status=Person.Status.PENDING
    )


def check_shown(test: RoleTestCase) -> None:
    """Coordinators see the invitee's email, the unlisted attendee, the pending person on
    the sheet and the code."""
    coord = test.as_("coord")
    meeting = test.canary_attendance_meeting  # type: ignore[attr-defined]
    kwargs = {"public_id": meeting.public_id}
    test.assertContains(
        coord.get(reverse("meetings:meeting-invitees", kwargs=kwargs)), INVITEE_EMAIL
    )
    test.assertContains(
        coord.get(reverse("meetings:meeting-attendees", kwargs=kwargs)), HIDDEN_NAME
    )
    test.assertContains(coord.get(reverse("meetings:checkin-code", kwargs=kwargs)), CHECKIN_CODE)
    test.assertContains(
        coord.get(reverse("meetings:meeting-attendance", kwargs=kwargs)), SHEET_NAME
    )
